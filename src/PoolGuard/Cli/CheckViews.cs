using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using PoolGuard.Checks;
using PoolGuard.Checks.Findings;

namespace PoolGuard.Cli;

/// <summary>`poolguard check --format json`: the findings, the pools read and the capacity they were summed against.</summary>
internal sealed record CheckDocument(int FilesRead, int? UsableConnections, IReadOnlyList<CheckPoolDocument> Pools, IReadOnlyList<Finding> Findings);

internal sealed record CheckPoolDocument(string Application, string Name, string Location, string Target, bool Pooling, int? MaxPoolSize, int? MinPoolSize);

internal static class CheckViews
{
    public static CheckDocument Document(CheckReport report) => new(
        report.FilesRead, report.Budget?.Usable,
        [.. report.Pools.Select(p => new CheckPoolDocument(p.Application, p.Name, p.Location.ToString(), p.Target, p.Pooling, p.MaxPoolSize, p.MinPoolSize))],
        report.Findings);
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
