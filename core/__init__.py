"""The form model: form files, their schemas and languages, and the view model built from them.

The bottom layer: it imports no other package of Lomake."""
