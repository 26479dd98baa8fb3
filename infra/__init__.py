"""Local infrastructure: the template as the source of truth, the local stack, DynamoDB Local."""
