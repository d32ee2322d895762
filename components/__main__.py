"""`python -m cloudwright.components <engine address>`: serve the components as a Pulumi
component provider (what `PulumiPlugin.yaml` runs for `pulumi package add`)."""

from cloudwright.components.provider import serve

if __name__ == "__main__":
    serve()
