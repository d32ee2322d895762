"""S3 bucket (`aws:s3/bucket:Bucket`, `aws:s3/bucketV2:BucketV2`): stored GB, requests and
egress, all from the usage file (a bucket's inputs do not say how much it will hold).

Storage is priced as S3 Standard: storage classes are chosen per object and by lifecycle
rules, which the bucket resource does not carry.
"""

from __future__ import annotations

from cloudwright.pricing.components import CostComponent
from cloudwright.pricing.context import PricingContext
from cloudwright.pricing.registry import Pricer
from cloudwright.pricing.services import object_storage
from cloudwright.resource_graph.model import Resource


def price(resource: Resource, ctx: PricingContext) -> list[CostComponent]:
    return object_storage(
        resource, ctx, cloud="aws", service="s3", product="STANDARD", label="standard"
    )


PRICER = Pricer(
    types=("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"),
    summary="Standard storage GB, PUT/GET requests, egress (all usage)",
    price=price,
)
