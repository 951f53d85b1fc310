namespace PoolGuard.Gateway.Clients;

/// <summary>
/// Which startup parameters a client may send. Those the gateway applies on the server are
/// session settings drivers rely on; anything else must be listed in ignore_startup_parameters,
/// because silently dropping an unknown parameter could change what the client's queries mean.
/// </summary>
internal static class StartupParameters
{
    public static readonly HashSet<string> Applied = new(StringComparer.OrdinalIgnoreCase)
    {
        "application_name", "client_encoding", "DateStyle", "TimeZone", "IntervalStyle",
        "standard_conforming_strings", "search_path", "extra_float_digits",
    };

    public static bool IsIdentity(string name) => name is "user" or "database";
}
