"""jira-mcp-gateway: a safe, fast and token-lean MCP server for Jira."""
