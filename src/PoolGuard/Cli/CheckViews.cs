using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using PoolGuard.Checks;
using PoolGuard.Checks.Findings;

namespace PoolGuard.Cli;

/// <summary>`poolguard check --format json`: the findings, the pools read and the capacity they were summed against.</summary>
internal sealed record CheckDocument(int FilesRead, int? UsableConnections, IReadOnlyList<CheckPoolDocument> Pools, IReadOnlyList<CheckGatewayDocument> Gateways,
    IReadOnlyList<Finding> Findings);

/// <param name="Replicas">Instances that run it (1 when nothing says); <paramref name="MaxReplicas"/> the autoscaler's ceiling.</param>
internal sealed record CheckPoolDocument(string Application, string Name, string Location, string Driver, string Server, string Database, bool Pooling,
    int? MaxPoolSize, int? MinPoolSize, int? PerInstanceMax, int Replicas, int? MaxReplicas, bool ThroughGateway);

internal sealed record CheckGatewayDocument(string Gateway, string Kind, string Location, string Server, IReadOnlyList<string> Databases, int? MaxServerConnections,
    string Basis, int Instances);

internal static class CheckViews
{
    public static CheckDocument Document(CheckReport report)
    {
        var context = report.Context!;
        return new(report.FilesRead, report.Budget?.Usable,
            [.. report.Pools.Select(p => new CheckPoolDocument(p.Application, p.Name, p.Location.ToString(), p.Driver, p.Server, p.Database, p.Pooling,
                p.MaxPoolSize, p.MinPoolSize, context.PerInstanceMax(p), context.InstancesOf(p.Application).Replicas, context.InstancesOf(p.Application).MaxReplicas,
                context.ThroughGateway(p)))],
            [.. report.Gateways.Select(g => new CheckGatewayDocument(g.Gateway, g.Kind, g.Location.ToString(), g.Server, g.Databases, g.MaxServerConnections, g.Basis,
                context.InstancesOf(g.Gateway).Replicas))],
            report.Findings);
    }
}

/// <summary>Source-generated serialisers for `check --format json` (its Finding is not the diagnosis' one).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(CheckDocument))]
internal sealed partial class CheckJsonContext : JsonSerializerContext
{
    /// <summary>As Default, but '&gt;' written as itself: messages read "460 &gt; 97".</summary>
    public static CheckJsonContext Readable { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
