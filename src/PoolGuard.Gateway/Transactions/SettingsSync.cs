using System.Text;
using PoolGuard.Gateway.Pooling;
using PoolGuard.Gateway.Servers;

namespace PoolGuard.Gateway.Transactions;

/// <summary>
/// The one query that makes a server's session settings what a transaction-pooled client expects,
/// sent ahead of the client's first message on that server and answered to nobody. Servers remember
/// the set they were last made to match, so a client landing on a server already set up its way
/// (the usual case: most clients of a pool connect with the same settings) costs nothing.
/// </summary>
internal static class SettingsSync
{
    /// <summary>
    /// Null when the server already matches. <paramref name="afterReset"/>: the query goes right
    /// after a DISCARD ALL or RESET ALL still on its way, so the server will report a fresh server's
    /// values by the time it runs, whatever it reports now.
    /// </summary>
    public static string? QueryFor(ServerConnection server, ParameterSet desired, bool afterReset = false)
    {
        if (ReferenceEquals(server.SyncedTo, desired))
        {
            return null;
        }
        // Settings the server holds that nobody tracks: an earlier client ran SET work_mem outside a
        // transaction (not kept for it, and not to reach anyone else). Start from a fresh server's.
        var resetAll = server.UnreportedFrom is null && server.Pool.Parameters.DefaultSet is not null;
        if (resetAll)
        {
            afterReset = true;
            server.UnreportedFrom = server.Pool.Parameters.DefaultSet;
            server.ExtraSettings = null;
        }
        var has = afterReset && server.Pool.Parameters.Defaults is { } defaults ? defaults : server.Parameters;
        var calls = new List<string>();
        foreach (var (name, value) in desired.Reported)
        {
            if (!has.TryGetValue(name, out var current) || current != value)
            {
                calls.Add(SetConfig(name, ServerQuery.Literal(value)));
            }
        }
        // Reported settings nobody asked for (default_transaction_read_only, lock_timeout...): an earlier
        // client may have changed one for its session; this client expects a fresh server's value.
        if (server.Pool.Parameters.Defaults is { } fresh)
        {
            foreach (var (name, current) in has)
            {
                if (!desired.Reported.ContainsKey(name) && !desired.Unreported.ContainsKey(name) && fresh.TryGetValue(name, out var value) && current != value
                    && ReportedSettings.IsSessionSetting(name))
                {
                    calls.Add(SetConfig(name, ServerQuery.Literal(value)));
                }
            }
        }
        // Settings an earlier client brought at startup (statement_timeout...) go back to the default.
        List<string>? resets = null;
        foreach (var name in server.ExtraSettings ?? [])
        {
            if (!desired.Unreported.ContainsKey(name))
            {
                (resets ??= []).Add(name);
            }
        }
        server.ExtraSettings = ExtrasOf(desired);
        // Not reported: set unless the server holds what the gateway last set there and nobody has
        // run a SET since (UnreportedFrom); to the client's value, or RESET to the default.
        var known = server.UnreportedFrom?.Unreported;
        foreach (var (name, value) in desired.Unreported)
        {
            if (known is not null && known.TryGetValue(name, out var held) && held == value)
            {
                continue;
            }
            if (value is null)
            {
                (resets ??= []).Add(name);
            }
            else
            {
                calls.Add(SetConfig(name, ServerQuery.Literal(value)));
            }
        }
        server.UnreportedFrom = desired;
        if (calls.Count == 0 && resets is null && !resetAll)
        {
            server.SyncedTo = desired;
            return null;
        }
        // One simple query of several statements, answered to nobody: RESETs are cheap, a read of
        // pg_settings (the other way to reach a default) is not.
        var sql = new StringBuilder(resetAll ? "RESET ALL; " : "");
        foreach (var name in resets ?? [])
        {
            sql.Append("RESET ").Append(name).Append("; ");
        }
        if (calls.Count > 0)
        {
            sql.Append("SELECT ").AppendJoin(", ", calls);
        }
        return sql.ToString();
    }

    private static string[]? ExtrasOf(ParameterSet desired)
    {
        var extras = desired.Unreported.Keys.Where(name => !Clients.StartupParameters.Applied.Contains(name)).ToArray();
        return extras.Length > 0 ? extras : null;
    }

    // Names are setting names (letters, digits, _ $ and dots: StartupParameters.RefusalFor), so safe as
    // RESET's identifier; in set_config names and values are both quoted literals. Nothing is injectable.
    private static string SetConfig(string name, string valueExpression) =>
        $"pg_catalog.set_config({ServerQuery.Literal(name)}, {valueExpression}, false)";
}
