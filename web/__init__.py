"""The web layer: Starlette handlers over the catalog and storage; `server.create_app` puts them together."""
