using System.Collections;

namespace PoolGuard.Config.Json;

/// <summary>
/// The POOLGUARD__… environment variables, as configuration keys under the PoolGuard section
/// ("POOLGUARD__Databases__app__PoolSize" → "PoolGuard:Databases:app:PoolSize"), the .NET convention
/// where a double underscore separates sections. Remembers each key's variable so that an error in an
/// override names the variable to fix, not a key that is nowhere in the file.
/// </summary>
internal sealed class EnvironmentOverrides
{
    public const string Prefix = "POOLGUARD__";

    private readonly Dictionary<string, string?> _values = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _variables = new(StringComparer.OrdinalIgnoreCase);

    private EnvironmentOverrides()
    {
    }

    /// <summary>Configuration key → value, ready for an in-memory configuration source.</summary>
    public IReadOnlyDictionary<string, string?> Values => _values;

    /// <param name="environment">The variables to read; null reads the process environment.</param>
    public static EnvironmentOverrides From(IDictionary<string, string?>? environment)
    {
        var overrides = new EnvironmentOverrides();
        foreach (var (name, value) in environment ?? ProcessEnvironment())
        {
            // Only the double-underscore prefix: single-underscore POOLGUARD_* variables (such as the
            // tests' POOLGUARD_TEST_PG) belong to other tools and must not be read as settings.
            if (name.Length > Prefix.Length && name.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
            {
                var key = $"{JsonConfigLoader.SectionName}:{name[Prefix.Length..].Replace("__", ":", StringComparison.Ordinal)}";
                overrides._values[key] = value;
                overrides._variables[key] = name;
            }
        }

        return overrides;
    }

    /// <summary>The variable that set <paramref name="configurationPath"/>, or null if the file did.</summary>
    public string? VariableFor(string configurationPath) =>
        _variables.TryGetValue(configurationPath, out var name) ? name : null;

    private static Dictionary<string, string?> ProcessEnvironment()
    {
        var variables = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            variables[(string)entry.Key] = entry.Value as string;
        }

        return variables;
    }
}
