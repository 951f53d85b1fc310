namespace PoolGuard.Config;

/// <summary>
/// Remembers where each setting came from, keyed by its path in the model ("ListenPort",
/// "Databases:app:PoolSize", "Users:alice:Password"). The validator only sees the model; this lets it
/// point at the line or key to fix and use the name the user wrote, whichever front door read the file.
/// </summary>
internal sealed class SettingLocations
{
    private readonly Dictionary<string, (string File, string Location)> _recorded = new(StringComparer.OrdinalIgnoreCase);
    private readonly string _mainFile;
    private readonly Func<string, string> _displayName;
    private readonly Func<string, string> _unsetLocation;

    /// <param name="mainFile">The file named when a setting was never written anywhere.</param>
    /// <param name="displayName">Model path → the setting's name in this file format.</param>
    /// <param name="unsetLocation">Model path → how to point at a setting left at its default.</param>
    public SettingLocations(string mainFile, Func<string, string> displayName, Func<string, string> unsetLocation)
    {
        _mainFile = mainFile;
        _displayName = displayName;
        _unsetLocation = unsetLocation;
    }

    public void Record(string modelPath, string file, string location) => _recorded[modelPath] = (file, location);

    /// <summary>Where <paramref name="modelPath"/> was set; else where its closest parent (e.g. the database entry)
    /// was; else the main file with a "not set" location.</summary>
    public (string File, string Location) Find(string modelPath)
    {
        for (var path = modelPath; ;)
        {
            if (_recorded.TryGetValue(path, out var found))
            {
                return found;
            }

            var cut = path.LastIndexOf(':');
            if (cut < 0)
            {
                return (_mainFile, _unsetLocation(modelPath));
            }

            path = path[..cut];
        }
    }

    /// <summary>The setting's name as the user writes it in this kind of file.</summary>
    public string Name(string modelPath) => _displayName(modelPath);
}
