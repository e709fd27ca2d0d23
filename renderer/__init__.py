"""Schema to view model, view model to HTML and PDF."""
