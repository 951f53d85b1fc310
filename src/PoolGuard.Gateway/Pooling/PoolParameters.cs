namespace PoolGuard.Gateway.Pooling;

/// <summary>
/// What a transaction-pooled client is told at login and what its servers are set to: the
/// parameters a fresh server of the pool reports, how the server normalises the values clients
/// ask for, and the interned <see cref="ParameterSet"/>s. Guarded by its own lock (login path only).
/// </summary>
internal sealed class PoolParameters
{
    /// <summary>Bounds for the caches: beyond them sets are still correct, just not shared.</summary>
    private const int MaxEntries = 10_000;

    private readonly Lock _lock = new();
    private readonly Dictionary<(string Name, string Value), string> _normalised = [];
    private readonly Dictionary<string, ParameterSet> _sets = new(StringComparer.Ordinal);
    private IReadOnlyDictionary<string, string>? _defaults;

    /// <summary>ParameterStatus values of the pool's first server straight after login; null before.</summary>
    public IReadOnlyDictionary<string, string>? Defaults
    {
        get { lock (_lock) { return _defaults; } }
    }

    /// <summary>What a fresh server is set to, as a set: clients that ask for nothing special share it.</summary>
    public ParameterSet? DefaultSet
    {
        get { lock (_lock) { return _defaultSet; } }
    }
    private ParameterSet? _defaultSet;

    /// <summary>
    /// Records the first fresh server's parameters (later servers report the same) and returns the
    /// set a fresh server matches; <paramref name="tracked"/> are the settings clients may choose.
    /// </summary>
    public ParameterSet NoteFreshServer(IReadOnlyDictionary<string, string> parameters, IEnumerable<string> tracked)
    {
        lock (_lock)
        {
            if (_defaultSet is null)
            {
                _defaults = new Dictionary<string, string>(parameters, StringComparer.OrdinalIgnoreCase);
                var reported = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                var unreported = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
                foreach (var name in tracked)
                {
                    if (_defaults.TryGetValue(name, out var value))
                    {
                        reported[name] = value;
                    }
                    else
                    {
                        unreported[name] = null;
                    }
                }
                _defaultSet = new ParameterSet(reported, unreported);
                _sets[_defaultSet.Key] = _defaultSet;
            }
            return _defaultSet;
        }
    }

    public bool TryNormalise(string name, string value, out string normalised)
    {
        if (name.Equals("application_name", StringComparison.OrdinalIgnoreCase) && IsPrintableAscii(value))
        {
            // Any printable ASCII name is taken as it is (PostgreSQL only rewrites other bytes): no
            // server need be asked at login, however many distinct names clients bring.
            normalised = value;
            return true;
        }
        lock (_lock)
        {
            return _normalised.TryGetValue((name.ToLowerInvariant(), value), out normalised!);
        }
    }

    private static bool IsPrintableAscii(string value)
    {
        foreach (var c in value)
        {
            if (c is < ' ' or > '~')
            {
                return false;
            }
        }
        return true;
    }

    public void LearnNormalised(string name, string value, string normalised)
    {
        lock (_lock)
        {
            if (_normalised.Count < MaxEntries)
            {
                _normalised[(name.ToLowerInvariant(), value)] = normalised;
            }
        }
    }

    /// <summary>The shared instance equal to <paramref name="set"/>.</summary>
    public ParameterSet Intern(ParameterSet set)
    {
        lock (_lock)
        {
            if (_sets.TryGetValue(set.Key, out var existing))
            {
                return existing;
            }
            if (_sets.Count < MaxEntries)
            {
                _sets.Add(set.Key, set);
            }
            return set;
        }
    }
}
