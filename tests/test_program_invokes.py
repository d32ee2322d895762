"""Data-source stand-ins (resource_graph.invokes) and the mocks' default provider."""

from __future__ import annotations

import json

import pytest
from pulumi.runtime.mocks import MockCallArgs, MockResourceArgs

from cloudwright.core.errors import DataError
from cloudwright.resource_graph.invokes import ANSWERS, result_class, shaped
from cloudwright.resource_graph.mocks import OfflineMocks

POLICY = "aws:iam/getPolicyDocument:getPolicyDocument"


def test_policy_document_from_statements() -> None:
    answer = ANSWERS[POLICY](
        {
            "statements": [
                {
                    "sid": "Read",
                    "actions": ["s3:GetObject", "s3:ListBucket"],
                    "resources": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
                    "principals": [{"type": "AWS", "identifiers": ["arn:aws:iam::1:root"]}],
                    "conditions": [
                        {"test": "Bool", "variable": "aws:SecureTransport", "values": ["true"]}
                    ],
                },
                {"effect": "Deny", "notActions": ["iam:*"], "resources": ["*"]},
            ]
        },
        {},
    )
    document = json.loads(answer["json"])
    assert document == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "Read",
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:ListBucket"],
                "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
                "Principal": {"AWS": "arn:aws:iam::1:root"},
                "Condition": {"Bool": {"aws:SecureTransport": "true"}},
            },
            {"Effect": "Deny", "NotAction": "iam:*", "Resource": "*"},
        ],
    }
    assert json.loads(answer["minifiedJson"]) == document


def test_policy_document_merges_source_and_override_documents() -> None:
    source = json.dumps({"Statement": [{"Sid": "A", "Effect": "Allow", "Action": "s3:*"}]})
    override = json.dumps({"Statement": {"Sid": "A", "Effect": "Deny", "Action": "s3:*"}})
    answer = ANSWERS[POLICY](
        {
            "sourcePolicyDocuments": [source],
            "overridePolicyDocuments": [override],
            "statements": [
                {
                    "sid": "B",
                    "actions": ["ec2:*"],
                    "principals": [{"type": "*", "identifiers": ["*"]}],
                }
            ],
        },
        {},
    )
    statements = json.loads(answer["json"])["Statement"]
    assert [(s["Sid"], s["Effect"]) for s in statements] == [("A", "Deny"), ("B", "Allow")]
    assert statements[1]["Principal"] == "*"


@pytest.mark.parametrize(
    ("region", "partition", "suffix"),
    [("eu-west-3", "aws", "amazonaws.com"), ("cn-north-1", "aws-cn", "amazonaws.com.cn")],
)
def test_partition_follows_the_region(region: str, partition: str, suffix: str) -> None:
    answer = ANSWERS["aws:index/getPartition:getPartition"]({}, {"region": region})
    assert (answer["partition"], answer["dnsSuffix"]) == (partition, suffix)


def test_ami_is_stable_and_follows_the_filters() -> None:
    ask = {"owners": ["amazon"], "filters": [{"name": "name", "values": ["al2023-*-arm64"]}]}
    first = ANSWERS["aws:ec2/getAmi:getAmi"](ask, {"region": "us-east-1"})
    again = ANSWERS["aws:ec2/getAmi:getAmi"](ask, {"region": "us-east-1"})
    elsewhere = ANSWERS["aws:ec2/getAmi:getAmi"](ask, {"region": "eu-west-1"})
    assert first == again and first["id"] != elsewhere["id"]
    assert first["architecture"] == "arm64" and first["id"].startswith("ami-")


def test_result_class_and_shaped_fallback() -> None:
    import importlib

    # a program's call imports the module the same way
    module = importlib.import_module("pulumi_aws.ec2.get_subnets")
    assert result_class("aws:ec2/getSubnets:getSubnets") is module.GetSubnetsResult
    assert result_class("nosuch:mod/getX:getX") is None
    empty = shaped("aws:ec2/getSubnets:getSubnets", None, {"filters": [{"name": "x"}]})
    assert empty["ids"] == [] and empty["tags"] == {}
    assert empty["filters"] == [{"name": "x"}]  # an argument the result echoes
    assert shaped("nosuch:mod/getX:getX", None, {"a": 1}) == {}


def test_default_provider_reads_the_stack_config() -> None:
    mocks = OfflineMocks({"aws:region": "ap-southeast-2", "gcp:project": "p"}, lenient=True)
    zones, _ = mocks.call(
        MockCallArgs("aws:index/getAvailabilityZones:getAvailabilityZones", {}, "")
    )
    assert zones["names"][0] == "ap-southeast-2a"
    _, state = mocks.new_resource(
        MockResourceArgs("aws:sqs/queue:Queue", "q", {}, None, None, True)
    )
    assert ":ap-southeast-2:" in state["arn"]


def test_strict_mocks_refuse_an_unknown_data_source() -> None:
    with pytest.raises(DataError, match="getInstances"):
        OfflineMocks().call(MockCallArgs("aws:ec2/getInstances:getInstances", {}, ""))
    lenient = OfflineMocks(lenient=True)
    lenient.call(MockCallArgs("aws:ec2/getInstances:getInstances", {}, ""))
    lenient.call(MockCallArgs("aws:ec2/getInstances:getInstances", {}, ""))
    assert lenient.stand_ins == {"aws:ec2/getInstances:getInstances": 2}
