"""A local stand-in for Google Workspace (Gmail, Drive, Sheets, Directory, OAuth) over real HTTP."""
