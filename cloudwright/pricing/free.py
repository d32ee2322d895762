"""Resource types that cost nothing by themselves, each with the reason.

Listing a type here is a claim: the provider charges nothing for the resource itself (any
cost it causes is billed on another resource, e.g. a launch template's instances on the
Auto Scaling group). A type that is neither here nor in the registry is reported as
unsupported, never as $0.
"""

from __future__ import annotations

_NETWORK = "network plumbing: no charge of its own"
_IAM = "identity and access: no charge"
_CONFIG = "configuration of another resource: billed there"
_TEMPLATE = "a template: its instances are billed on the group that launches them"
_PLACEMENT = "placement/scheduling policy: no charge"
_GROUPING = "a container for other resources: no charge"

FREE_TYPES: dict[str, str] = {
    # ---- AWS --------------------------------------------------------------------------
    "aws:ec2/vpc:Vpc": _NETWORK,
    "aws:ec2/subnet:Subnet": _NETWORK,
    "aws:ec2/routeTable:RouteTable": _NETWORK,
    "aws:ec2/routeTableAssociation:RouteTableAssociation": _NETWORK,
    "aws:ec2/route:Route": _NETWORK,
    "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation": _NETWORK,
    "aws:ec2/internetGateway:InternetGateway": _NETWORK,
    "aws:ec2/internetGatewayAttachment:InternetGatewayAttachment": _NETWORK,
    "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway": _NETWORK,
    "aws:ec2/securityGroup:SecurityGroup": _NETWORK,
    "aws:ec2/securityGroupRule:SecurityGroupRule": _NETWORK,
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": _NETWORK,
    "aws:ec2/defaultVpc:DefaultVpc": _NETWORK,
    "aws:ec2/defaultRouteTable:DefaultRouteTable": _NETWORK,
    "aws:ec2/networkAcl:NetworkAcl": _NETWORK,
    "aws:ec2/networkAclRule:NetworkAclRule": _NETWORK,
    "aws:ec2/networkInterface:NetworkInterface": _NETWORK,
    "aws:ec2/networkInterfaceAttachment:NetworkInterfaceAttachment": _NETWORK,
    "aws:ec2/eipAssociation:EipAssociation": _CONFIG,
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": _NETWORK,
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": _NETWORK,
    "aws:ec2/placementGroup:PlacementGroup": _PLACEMENT,
    "aws:ec2/launchTemplate:LaunchTemplate": _TEMPLATE,
    "aws:ec2/launchConfiguration:LaunchConfiguration": _TEMPLATE,
    "aws:ec2/keyPair:KeyPair": _CONFIG,
    "aws:ec2/volumeAttachment:VolumeAttachment": _CONFIG,
    "aws:iam/role:Role": _IAM,
    "aws:iam/policy:Policy": _IAM,
    "aws:iam/rolePolicy:RolePolicy": _IAM,
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": _IAM,
    "aws:iam/instanceProfile:InstanceProfile": _IAM,
    "aws:iam/user:User": _IAM,
    "aws:iam/group:Group": _IAM,
    "aws:iam/policyAttachment:PolicyAttachment": _IAM,
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": _IAM,
    "aws:eks/accessEntry:AccessEntry": _IAM,
    "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": _IAM,
    "aws:eks/podIdentityAssociation:PodIdentityAssociation": _IAM,
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": _CONFIG,
    "aws:s3/bucketVersioning:BucketVersioning": _CONFIG,
    "aws:s3/bucketVersioningV2:BucketVersioningV2": _CONFIG,
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": _CONFIG,
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": _CONFIG,
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": _CONFIG,
    "aws:s3/bucketPolicy:BucketPolicy": _CONFIG,
    "aws:s3/bucketAclV2:BucketAclV2": _CONFIG,
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": _CONFIG,
    "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2": _CONFIG,
    "aws:resourcegroups/group:Group": _GROUPING,
    # ---- GCP --------------------------------------------------------------------------
    "gcp:compute/network:Network": _NETWORK,
    "gcp:compute/subnetwork:Subnetwork": _NETWORK,
    "gcp:compute/firewall:Firewall": _NETWORK,
    "gcp:compute/route:Route": _NETWORK,
    "gcp:compute/router:Router": "Cloud Router itself: no charge (Cloud NAT is priced)",
    "gcp:compute/resourcePolicy:ResourcePolicy": _PLACEMENT,
    "gcp:compute/instanceTemplate:InstanceTemplate": _TEMPLATE,
    "gcp:compute/regionInstanceTemplate:RegionInstanceTemplate": _TEMPLATE,
    "gcp:serviceaccount/account:Account": _IAM,
    "gcp:serviceaccount/iAMMember:IAMMember": _IAM,
    "gcp:serviceaccount/iAMBinding:IAMBinding": _IAM,
    "gcp:projects/iAMMember:IAMMember": _IAM,
    "gcp:projects/iAMBinding:IAMBinding": _IAM,
    "gcp:projects/service:Service": _CONFIG,
    "gcp:storage/bucketIAMMember:BucketIAMMember": _IAM,
    "gcp:servicenetworking/connection:Connection": "private service access peering: no charge",
    "gcp:storage/bucketIAMBinding:BucketIAMBinding": _IAM,
    # ---- Azure (azure-native) ---------------------------------------------------------
    "azure-native:resources:ResourceGroup": _GROUPING,
    "azure-native:network:VirtualNetwork": _NETWORK,
    "azure-native:network:Subnet": _NETWORK,
    "azure-native:network:NetworkSecurityGroup": _NETWORK,
    "azure-native:network:SecurityRule": _NETWORK,
    "azure-native:network:NetworkInterface": _NETWORK,
    "azure-native:network:RouteTable": _NETWORK,
    "azure-native:network:Route": _NETWORK,
    "azure-native:managedidentity:UserAssignedIdentity": _IAM,
    "azure-native:authorization:RoleAssignment": _IAM,
    "azure-native:compute:ProximityPlacementGroup": _PLACEMENT,
    "azure-native:compute:AvailabilitySet": _PLACEMENT,
    "azure-native:storage:BlobContainer": "a container in a storage account: billed on the account",
    "azure-native:storage:BlobServiceProperties": _CONFIG,
    # ---- Azure (classic azure provider) -----------------------------------------------
    "azure:core/resourceGroup:ResourceGroup": _GROUPING,
    "azure:network/virtualNetwork:VirtualNetwork": _NETWORK,
    "azure:network/subnet:Subnet": _NETWORK,
    "azure:network/networkSecurityGroup:NetworkSecurityGroup": _NETWORK,
    "azure:network/networkSecurityRule:NetworkSecurityRule": _NETWORK,
    "azure:network/networkInterface:NetworkInterface": _NETWORK,
    "azure:network/networkInterfaceSecurityGroupAssociation:NetworkInterfaceSecurityGroupAssociation": _NETWORK,
    "azure:network/subnetNetworkSecurityGroupAssociation:SubnetNetworkSecurityGroupAssociation": _NETWORK,
    "azure:network/profile:Profile": _NETWORK,
    "azure:network/routeTable:RouteTable": _NETWORK,
    "azure:authorization/assignment:Assignment": _IAM,
    "azure:authorization/userAssignedIdentity:UserAssignedIdentity": _IAM,
    "azure:compute/proximityPlacementGroup:ProximityPlacementGroup": _PLACEMENT,
    "azure:compute/availabilitySet:AvailabilitySet": _PLACEMENT,
    "azure:storage/container:Container": "a container in a storage account: billed on the account",
}
