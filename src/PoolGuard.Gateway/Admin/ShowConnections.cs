namespace PoolGuard.Gateway.Admin;

/// <summary>
/// SHOW CLIENTS and SHOW SERVERS in PgBouncer's shared layout. ptr is "c" or "s" and the connection's
/// id, and link names the paired connection's ptr; PoolGuard has no replication connections, no
/// TLS column (empty), as PgBouncer prints them without those features; close_needed is RECONNECT's mark.
/// </summary>
internal static class ShowConnections
{
    public static ConsoleTable Clients(ConsoleContext context) =>
        new(ConsoleLayouts.Connections, [.. context.Inspector.Clients().Select(c => Row(
            "C", c.User, c.Database, c.State, c.Address, c.Port, c.LocalAddress, c.LocalPort, c.ConnectTime, c.RequestTime,
            c.Wait, ClientPtr(c.Id), c.LinkedServerId is { } server ? ServerPtr(server) : "", 0, c.ApplicationName, 0, c.Id, closeNeeded: false))]);

    public static ConsoleTable Servers(ConsoleContext context) =>
        new(ConsoleLayouts.Connections, [.. context.Inspector.Servers().Select(s => Row(
            "S", s.User, s.Database, s.State, s.Address, s.Port, s.LocalAddress, s.LocalPort, s.ConnectTime, s.RequestTime,
            TimeSpan.Zero, ServerPtr(s.Id), s.LinkedClientId is { } client ? ClientPtr(client) : "", s.BackendProcessId, "",
            s.PreparedStatements, s.Id, s.CloseNeeded))]);

    public static string ClientPtr(long id) => $"c{id}";
    public static string ServerPtr(long id) => $"s{id}";

    private static string?[] Row(string type, string user, string database, string state, string? address, int port,
        string? localAddress, int localPort, DateTimeOffset connectTime, DateTimeOffset requestTime, TimeSpan wait,
        string ptr, string link, int remotePid, string applicationName, int preparedStatements, long id, bool closeNeeded)
    {
        var waitMicroseconds = (long)wait.TotalMicroseconds;
        return
        [
            type, user, database, "none", state, address, N(port), localAddress, N(localPort),
            ConsoleContext.Timestamp(connectTime), ConsoleContext.Timestamp(requestTime),
            N(waitMicroseconds / 1_000_000), N(waitMicroseconds % 1_000_000), closeNeeded ? "1" : "0",
            ptr, link, N(remotePid), "", applicationName, N(preparedStatements), N(id),
        ];
    }

    private static string N(long value) => ConsoleContext.Number(value);
}
