"""DynamoDB adapters: hit counters in one table, through boto3 in worker threads."""
