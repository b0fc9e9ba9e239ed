"""The live AWS source: a read-only inventory of an account's data stores and data flows.

Layout (boto3 is imported only by `session`, `regions` and `collector`, which only the
`hdslint aws` command loads; everything else is plain data and pure functions, so saved
inventories are read without boto3):

- `records`: what the collector hands over: records (one per AWS resource), flows, links.
- `spec`: the declarative shape of a service: its listings, per-item details, parse function.
- one module per service family (`s3`, `rds`, `dynamodb`, ...), each a `SPEC` and pure
  `parse_*` functions from API responses to records; `services.SERVICES` lists them.
- `coverage`: how each (service, region) ended, error classification, coverage gaps.
- `permissions`: API operation -> IAM action table and the shipped IAM policy.
- `session`, `regions`, `collector`: boto3 session and clients, the region plan, the
  thread-pool scheduler.
- `normalise`: records -> normalised resources and edges.
"""
