namespace PoolGuard.Gateway.Pooling;

/// <summary>
/// The prepared statements PoolGuard created on one server, least recently used last, capped at
/// max_prepared_statements: a long-lived server must not accumulate every query ever prepared.
/// Touched only by the task that holds the server.
/// </summary>
internal sealed class ServerStatements
{
    private readonly Dictionary<string, LinkedListNode<string>> _byName = new(StringComparer.Ordinal);
    private readonly LinkedList<string> _byUse = new();

    public int Count => _byName.Count;

    /// <summary>The <see cref="StatementUsers.UnusedSince"/> this server's statements were last checked against.</summary>
    public long CheckedAt { get; set; }

    /// <summary>Takes out the statements no client uses any more; the caller closes them on the server.</summary>
    public List<string>? TakeUnused(StatementUsers users)
    {
        List<string>? unused = null;
        foreach (var name in _byName.Keys)
        {
            if (!users.IsUsed(name))
            {
                (unused ??= []).Add(name);
            }
        }
        foreach (var name in unused ?? [])
        {
            Remove(name);
        }
        return unused;
    }

    /// <summary>True (and marks it used) when the server has the statement.</summary>
    public bool TryUse(string name)
    {
        if (!_byName.TryGetValue(name, out var node))
        {
            return false;
        }
        if (node != _byUse.First)
        {
            _byUse.Remove(node);
            _byUse.AddFirst(node);
        }
        return true;
    }

    public void Add(string name)
    {
        if (!_byName.ContainsKey(name))
        {
            _byName.Add(name, _byUse.AddFirst(name));
        }
    }

    public void Remove(string name)
    {
        if (_byName.Remove(name, out var node))
        {
            _byUse.Remove(node);
        }
    }

    /// <summary>The least recently used statement, removed from the set; the caller closes it on the server.</summary>
    public string? EvictLeastRecentlyUsed()
    {
        if (_byUse.Last is not { } last)
        {
            return null;
        }
        _byUse.RemoveLast();
        _byName.Remove(last.Value);
        return last.Value;
    }

    public void Clear()
    {
        _byName.Clear();
        _byUse.Clear();
    }
}
