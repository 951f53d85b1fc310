using System.Globalization;
using PoolGuard.Gateway.Hosting;

namespace PoolGuard.Gateway.Admin;

/// <summary>What a console command can see: the gateway, who is asking, and the shared read-only views.</summary>
internal sealed class ConsoleContext(GatewayContext gateway, string user, Clients.ClientConnection? client = null)
{
    /// <summary>Ends when the console's own client goes away or the gateway stops: commands that wait (PAUSE, WAIT_CLOSE) give up then.</summary>
    public CancellationToken Cancelled => client?.ShutdownToken ?? CancellationToken.None;

    public GatewayContext Gateway { get; } = gateway;
    public string User { get; } = user;
    public GatewayInspector Inspector => Gateway.Inspector;

    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>PgBouncer's timestamp text ("2025-01-31 12:00:00 UTC"); the gateway writes UTC.</summary>
    public static string Timestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}

/// <summary>A result set: a layout and its rows (text values, null for SQL NULL).</summary>
internal sealed record ConsoleTable(IReadOnlyList<Protocol.Messages.ResultColumn> Columns, IReadOnlyList<string?[]> Rows);
