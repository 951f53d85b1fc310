namespace PoolGuard.Config;

/// <summary>
/// One problem found while loading a configuration: which file, where in it, and what is wrong.
/// A reason never contains a password or secret, so errors can be logged and shown as they are.
/// </summary>
/// <param name="File">The file the problem is in (full path).</param>
/// <param name="Location">Where in the file, e.g. "line 12" or "key PoolGuard:Databases:app:Port".</param>
/// <param name="Reason">What is wrong and, where possible, what to do about it.</param>
public sealed record ConfigError(string File, string Location, string Reason)
{
    public override string ToString() => $"{File}: {Location}: {Reason}";
}
