using System.Text.RegularExpressions;

namespace PoolGuard.Gateway.Clients;

/// <summary>
/// Which startup parameters a client may send. Every parameter that names a setting is carried:
/// applied on each server the client uses, as PostgreSQL applies it at login. The ones drivers rely
/// on are tracked from the pool's first server on (<see cref="Applied"/>); any other
/// (statement_timeout, lock_timeout...) is set for the clients that ask for it and set back to the
/// server's default for those that do not. Nothing is silently dropped: what cannot be carried is
/// refused, unless listed in ignore_startup_parameters, because dropping it could change what the
/// client's queries mean.
/// </summary>
internal static partial class StartupParameters
{
    public static readonly HashSet<string> Applied = new(StringComparer.OrdinalIgnoreCase)
    {
        "application_name", "client_encoding", "DateStyle", "TimeZone", "IntervalStyle",
        "standard_conforming_strings", "search_path", "extra_float_digits",
    };

    public static bool IsIdentity(string name) => name is "user" or "database";

    /// <summary>Why a parameter cannot be carried as a setting; null when it can.</summary>
    public static string? RefusalFor(string name)
    {
        if (name.Equals("replication", StringComparison.OrdinalIgnoreCase))
        {
            return "replication connections cannot be pooled";
        }
        if (name.Equals("role", StringComparison.OrdinalIgnoreCase) || name.Equals("session_authorization", StringComparison.OrdinalIgnoreCase))
        {
            return "it changes who the session is, and pooled servers are shared by every client of the user";
        }
        return SettingName().IsMatch(name) ? null : "not the name of a setting";
    }

    /// <summary>A setting's name: PostgreSQL's own, or a custom one with a dot (myapp.tenant).</summary>
    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_$]*(\\.[A-Za-z_][A-Za-z0-9_$]*)*$")]
    private static partial Regex SettingName();
}
