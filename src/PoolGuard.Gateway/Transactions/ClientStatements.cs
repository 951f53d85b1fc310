using System.Text;

namespace PoolGuard.Gateway.Transactions;

/// <summary>A named prepared statement as one client knows it, and the server-side statement it maps to.</summary>
internal sealed class ClientStatement(string clientName, string serverName, byte[] parseRest)
{
    /// <summary>The client's own name for it.</summary>
    public string ClientName { get; } = clientName;

    /// <summary>
    /// A server has prepared it at least once. Until then the client's name is only a promise (a
    /// Parse the gateway answered itself, or one still in flight): if the server refuses the text,
    /// the name goes, as a failed Parse leaves no statement on PostgreSQL. Set by the server pump.
    /// </summary>
    public bool Verified { get; set; }

    /// <summary>The gateway's name for this query text and parameter types, the same for every client.</summary>
    public string ServerName { get; } = serverName;

    /// <summary><see cref="ServerName"/> as a NUL-terminated C string, ready to write into messages.</summary>
    public byte[] ServerNameZ { get; } = Encoding.UTF8.GetBytes(serverName + "\0");

    /// <summary>The Parse body after the statement name (query, parameter types): what re-prepares it anywhere.</summary>
    public byte[] ParseRest { get; } = parseRest;
}

/// <summary>
/// One client's named prepared statements. Looked up by the name bytes straight from a Bind
/// without making a string, because Bind comes with every execution.
/// </summary>
internal sealed class ClientStatements
{
    private readonly Dictionary<string, ClientStatement> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ClientStatement>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly Pooling.StatementUsers _users;

    /// <param name="users">The pool's count of who uses each server-side statement, kept up to date here.</param>
    public ClientStatements(Pooling.StatementUsers users)
    {
        _users = users;
        _lookup = _byName.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public int Count => _byName.Count;

    /// <summary>A statement the client prepares now, under the server-side name for its text and today's schema.</summary>
    public ClientStatement Create(string clientName, ReadOnlySpan<byte> parseRest) =>
        new(clientName, StatementNames.For(parseRest, _users.SchemaEpoch), parseRest.ToArray());

    public bool TryGet(ReadOnlySpan<byte> name, out ClientStatement statement)
    {
        if (name.Length <= 256)
        {
            Span<char> chars = stackalloc char[256];
            var length = Encoding.UTF8.GetChars(name, chars);
            return _lookup.TryGetValue(chars[..length], out statement!);
        }
        return _byName.TryGetValue(Encoding.UTF8.GetString(name), out statement!);
    }

    public bool Contains(ReadOnlySpan<byte> name) => TryGet(name, out _);

    public void Set(ClientStatement statement)
    {
        if (_byName.Remove(statement.ClientName, out var replaced))
        {
            _users.Release(replaced.ServerName);
        }
        _byName[statement.ClientName] = statement;
        _users.Add(statement.ServerName);
    }

    /// <summary>Forgets a statement whose Parse failed, unless its name has been prepared anew since.</summary>
    public void RemoveFailed(ClientStatement statement)
    {
        if (_byName.TryGetValue(statement.ClientName, out var current) && ReferenceEquals(current, statement))
        {
            _byName.Remove(statement.ClientName);
            _users.Release(statement.ServerName);
        }
    }

    public void Remove(ReadOnlySpan<byte> name)
    {
        bool removed;
        ClientStatement? statement;
        if (name.Length <= 256)
        {
            Span<char> chars = stackalloc char[256];
            var length = Encoding.UTF8.GetChars(name, chars);
            removed = _lookup.Remove(chars[..length], out _, out statement);
        }
        else
        {
            removed = _byName.Remove(Encoding.UTF8.GetString(name), out statement);
        }
        if (removed)
        {
            _users.Release(statement!.ServerName);
        }
    }

    /// <summary>Every name goes (DISCARD ALL, DEALLOCATE ALL, the client left).</summary>
    public void Clear()
    {
        foreach (var statement in _byName.Values)
        {
            _users.Release(statement.ServerName);
        }
        _byName.Clear();
    }
}
