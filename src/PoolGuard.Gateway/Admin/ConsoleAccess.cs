using PoolGuard.Config.Model;

namespace PoolGuard.Gateway.Admin;

/// <summary>What a user may do on the admin console.</summary>
internal enum ConsoleAccess
{
    /// <summary>Not on the console (a pooled client), or not allowed on it.</summary>
    None,
    /// <summary>In stats_users: SHOW commands only.</summary>
    Stats,
    /// <summary>In admin_users: every command.</summary>
    Admin,
}

internal static class ConsoleAccessRules
{
    /// <summary>admin_users wins over stats_users; names compare exactly, as PostgreSQL role names do.</summary>
    public static ConsoleAccess For(PoolGuardConfig config, string user) =>
        config.AdminUsers.Contains(user, StringComparer.Ordinal) ? ConsoleAccess.Admin
        : config.StatsUsers.Contains(user, StringComparer.Ordinal) ? ConsoleAccess.Stats
        : ConsoleAccess.None;
}
