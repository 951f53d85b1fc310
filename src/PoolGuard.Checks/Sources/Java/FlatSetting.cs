using PoolGuard.Checks.Findings;

namespace PoolGuard.Checks.Sources.Java;

/// <summary>One key of a .properties file or a flattened YAML document ("spring.datasource.hikari.maximum-pool-size"), where its value is.</summary>
internal sealed record FlatSetting(string Key, string Value, Location Location)
{
    /// <summary>Spring's relaxed binding: case, '-' and '_' do not matter (maximum-pool-size = maximumPoolSize).</summary>
    public static string Relaxed(string key) => key.Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal).ToLowerInvariant();
}
