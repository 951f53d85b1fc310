using System.Globalization;

namespace PoolGuard.Config;

/// <summary>
/// Collects every error and warning of one load. Loaders and the validator keep going after a problem
/// so that the user sees all of them in one run instead of fixing them one at a time.
/// </summary>
internal sealed class ConfigDiagnostics
{
    private readonly List<ConfigError> _errors = [];
    private readonly List<string> _warnings = [];

    /// <summary>Reviewing a file away from where it runs (`poolguard check`): what is supplied there — the auth file,
    /// passwords, TLS key material — may be absent here, and its absence is not an error.</summary>
    public bool Reviewing { get; init; }

    public IReadOnlyList<ConfigError> Errors => _errors;

    public IReadOnlyList<string> Warnings => _warnings;

    public void Error(string file, string location, string reason) => _errors.Add(new ConfigError(file, location, reason));

    /// <summary>Warnings name the file by its name only: they end up in logs next to the path already printed at startup.</summary>
    public void Warn(string file, string location, string message) =>
        _warnings.Add($"{Path.GetFileName(file)} {location}: {message}");

    /// <summary>Throws with every error, grouped by file and in line order, so the list reads like the file.</summary>
    public void ThrowIfErrors()
    {
        if (_errors.Count == 0)
        {
            return;
        }

        var fileOrder = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var error in _errors)
        {
            fileOrder.TryAdd(error.File, fileOrder.Count);
        }

        // OrderBy is stable: errors without a line (keys, validation) keep the order they were found in.
        throw new ConfigException([.. _errors.OrderBy(e => fileOrder[e.File]).ThenBy(e => LineOf(e.Location))]);
    }

    private static int LineOf(string location) =>
        location.StartsWith("line ", StringComparison.Ordinal)
        && int.TryParse(location.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var line)
            ? line
            : int.MaxValue;
}
