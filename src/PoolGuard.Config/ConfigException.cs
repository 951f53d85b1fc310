namespace PoolGuard.Config;

/// <summary>
/// Thrown when a configuration cannot be used. Carries every problem found, not just the first,
/// so one run shows the user everything to fix.
/// </summary>
public sealed class ConfigException : Exception
{
    public ConfigException(IReadOnlyList<ConfigError> errors)
        : base(Format(errors))
    {
        Errors = errors;
    }

    public ConfigException(ConfigError error)
        : this([error])
    {
    }

    /// <summary>All problems found, in the order they were found (file order where possible).</summary>
    public IReadOnlyList<ConfigError> Errors { get; }

    private static string Format(IReadOnlyList<ConfigError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        return string.Join(Environment.NewLine, errors);
    }
}
