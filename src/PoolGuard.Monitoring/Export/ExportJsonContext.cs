using System.Text.Json.Serialization;

namespace PoolGuard.Monitoring.Export;

/// <summary>Quoting strings for the exported files without reflection (a JSON string is a valid YAML scalar).</summary>
[JsonSerializable(typeof(string))]
internal sealed partial class ExportJsonContext : JsonSerializerContext;
