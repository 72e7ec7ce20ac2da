"""Web infrastructure shared by every domain: state, unit of work, problems, layout."""
