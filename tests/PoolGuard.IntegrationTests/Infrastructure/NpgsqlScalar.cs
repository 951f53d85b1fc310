using System.Globalization;
using Npgsql;

namespace PoolGuard.IntegrationTests.Infrastructure;

/// <summary>One statement's single value on a connection a test already holds, bounded so a hung gateway fails the test instead of the run.</summary>
internal static class NpgsqlScalar
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    public static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync().WaitAsync(Bound);
    }

    /// <summary>The value as invariant text, for comparing answers of any type with a string.</summary>
    public static async Task<string> TextAsync(NpgsqlConnection connection, string sql) =>
        Convert.ToString(await ScalarAsync(connection, sql), CultureInfo.InvariantCulture)!;
}
