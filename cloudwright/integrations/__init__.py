"""CI integrations that talk to a code host's REST API (pull-request / merge-request comments).

The only package that opens network connections on a user's behalf: standard library HTTP
with a timeout, bounded responses, no redirects, and tokens that never reach a message.
"""
