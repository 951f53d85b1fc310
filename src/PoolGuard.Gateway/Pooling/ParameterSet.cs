namespace PoolGuard.Gateway.Pooling;

/// <summary>
/// The session settings a client expects on whichever server runs its next transaction: the
/// values PostgreSQL reports (ParameterStatus), as the server normalised them, and the values it
/// does not report (search_path, extra_float_digits), as the client sent them, null for the
/// server's default. Immutable and interned per pool, so "this server is already set up for this
/// client" is one reference comparison on the hot path.
/// </summary>
internal sealed class ParameterSet
{
    public ParameterSet(IReadOnlyDictionary<string, string> reported, IReadOnlyDictionary<string, string?> unreported)
    {
        Reported = reported;
        Unreported = unreported;
        Key = string.Join('\u0001', reported.OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase).Select(p => p.Key + "=" + p.Value))
            + '\u0002' + string.Join('\u0001', unreported.OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase).Select(p => p.Key + "=" + p.Value));
    }

    /// <summary>Tracked settings the server reports, with the values the client should see.</summary>
    public IReadOnlyDictionary<string, string> Reported { get; }

    /// <summary>Tracked settings the server does not report; null means the server's default.</summary>
    public IReadOnlyDictionary<string, string?> Unreported { get; }

    /// <summary>Canonical text of the whole set, for interning.</summary>
    public string Key { get; }

    public ParameterSet With(string name, string value)
    {
        var reported = new Dictionary<string, string>(Reported, StringComparer.OrdinalIgnoreCase) { [name] = value };
        return new ParameterSet(reported, Unreported);
    }
}
