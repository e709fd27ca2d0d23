"""Schema in, view model out: the fields a form asks, independent of HTML."""
