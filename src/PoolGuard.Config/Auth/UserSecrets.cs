using PoolGuard.Config.Model;

namespace PoolGuard.Config.Auth;

/// <summary>
/// Joins the users of an auth_file with the users the main file already declares (pool mode, caps, and
/// in poolguard.json perhaps a password). The auth_file adds users and secrets; a password written in
/// the main file wins because it is the more specific place.
/// </summary>
internal static class UserSecrets
{
    public static void Merge(
        Dictionary<string, UserEntry> users,
        IReadOnlyList<AuthFileEntry> entries,
        string authFile,
        SettingLocations locations,
        ConfigDiagnostics diagnostics)
    {
        // PgBouncer lets a later line for the same user replace an earlier one; do the same, but say so.
        var latest = new Dictionary<string, AuthFileEntry>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (latest.TryGetValue(entry.User, out var earlier))
            {
                diagnostics.Warn(authFile, $"line {entry.Line}",
                    $"user {entry.User} is listed again (first at line {earlier.Line}); this line wins, as in PgBouncer");
            }

            latest[entry.User] = entry;
        }

        foreach (var entry in latest.Values)
        {
            var location = $"line {entry.Line}";
            if (users.TryGetValue(entry.User, out var existing))
            {
                if (existing.Secret is not null)
                {
                    if (entry.Secret is not null)
                    {
                        diagnostics.Warn(authFile, location,
                            $"user {entry.User} also has a password in the main file; that one is used and this one is ignored");
                    }

                    continue;
                }

                users[entry.User] = existing with { Secret = entry.Secret };
            }
            else
            {
                users[entry.User] = new UserEntry { Name = entry.User, Secret = entry.Secret };
                locations.Record($"Users:{entry.User}", authFile, location);
            }

            locations.Record($"Users:{entry.User}:Password", authFile, location);
        }
    }
}
