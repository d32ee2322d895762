"""The Pulumi program and its stack settings: `pulumi up` deploys exactly what the plan lock says.

`program.run(plan, catalog, settings)` is the program (`__main__` wires it to Pulumi's config);
`settings` parses the `cloudwright:*` stack config; `automation` drives `pulumi preview`/`up`
through the Automation API for `cloudwright deploy`.
"""
