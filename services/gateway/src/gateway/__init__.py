"""LOOSELINE gateway: the one public entry (routing, JWT at the edge, rate limits, browser
headers, live stream, merged OpenAPI). See docs/gateway.md."""
