// Tests share one PostgreSQL with max_connections=40 and measure backend counts; running them
// one at a time keeps those counts meaningful.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
