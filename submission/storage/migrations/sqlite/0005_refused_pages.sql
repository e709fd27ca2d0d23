-- Post/Redirect/Get for the pages of a draft: a page post that is not taken (refused, or a list's item added
-- or removed, or the language switched) is kept here and the browser is sent to the page's address, which
-- shows it again. A JSON object {page, values: {control name: [text, ...]}, problems: [{pointer, message,
-- label}]}; NULL: none. Any other save of the draft, and its sending, clear it.
ALTER TABLE drafts ADD COLUMN refused TEXT;
