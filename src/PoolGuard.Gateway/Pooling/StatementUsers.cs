namespace PoolGuard.Gateway.Pooling;

/// <summary>
/// How many client statements of one pool use each of the gateway's server-side statements
/// (clients preparing the same text share one). When the last one goes — its client closed it,
/// deallocated it, or left — the server-side statement is nobody's, and every server of the pool
/// closes it the next time it is handed out (<see cref="UnusedSince"/> tells a server whether to
/// look), so pg_prepared_statements does not fill with statements no client can use.
/// </summary>
internal sealed class StatementUsers
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, int> _users = new(StringComparer.Ordinal);
    private long _unusedSince;

    /// <summary>Bumped whenever a statement loses its last user.</summary>
    public long UnusedSince => Volatile.Read(ref _unusedSince);

    private long _schemaEpoch;

    /// <summary>
    /// Schema changes seen through the pool (CREATE, ALTER, DROP, COMMENT; a ROLLBACK of a transaction
    /// that made one). Part of every server-side statement name: a client that prepares a text after a
    /// change gets a statement of its own, planned against the new schema, where sharing the older one
    /// would fail (0A000 cached plan must not change result type, XX000 cache lookup failed). Changes
    /// made outside PoolGuard are not seen.
    /// </summary>
    public long SchemaEpoch => Volatile.Read(ref _schemaEpoch);

    public void NoteSchemaChange() => Interlocked.Increment(ref _schemaEpoch);

    public void Add(string serverName)
    {
        lock (_lock)
        {
            _users[serverName] = _users.GetValueOrDefault(serverName) + 1;
        }
    }

    public void Release(string serverName)
    {
        lock (_lock)
        {
            if (!_users.TryGetValue(serverName, out var count))
            {
                return;
            }
            if (count > 1)
            {
                _users[serverName] = count - 1;
                return;
            }
            _users.Remove(serverName);
            Interlocked.Increment(ref _unusedSince);
        }
    }

    public bool IsUsed(string serverName)
    {
        lock (_lock)
        {
            return _users.ContainsKey(serverName);
        }
    }
}
