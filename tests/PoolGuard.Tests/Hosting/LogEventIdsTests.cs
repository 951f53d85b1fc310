using System.Reflection;
using Microsoft.Extensions.Logging;
using PoolGuard.Gateway.Hosting;

namespace PoolGuard.Tests.Hosting;

/// <summary>One table of log event ids: every source-generated log message takes its id from <see cref="LogEventIds"/>, and no two share one.</summary>
public sealed class LogEventIdsTests
{
    private static readonly Assembly[] Logging = [typeof(GatewayServer).Assembly, typeof(PoolGuard.Hosting.HostLog).Assembly, typeof(PoolGuard.Monitoring.Watcher.DatabaseWatcher).Assembly];

    private static IReadOnlyDictionary<string, int> Table() => typeof(LogEventIds)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral)
        .ToDictionary(f => f.Name, f => (int)f.GetRawConstantValue()!);

    private static IEnumerable<(MethodInfo Method, LoggerMessageAttribute Attribute)> Messages() =>
        from assembly in Logging
        from type in assembly.GetTypes()
        from method in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
        let attribute = method.GetCustomAttribute<LoggerMessageAttribute>()
        where attribute is not null
        select (method, attribute);

    [Fact]
    public void The_table_gives_each_name_its_own_id()
    {
        var duplicates = Table().GroupBy(e => e.Value).Where(g => g.Count() > 1).Select(g => string.Join(" = ", g.Select(e => e.Key))).ToList();
        Assert.Empty(duplicates);
    }

    [Fact]
    public void Every_log_message_uses_an_id_of_the_table_named_as_itself_and_no_id_twice()
    {
        var table = Table();
        var messages = Messages().ToList();
        Assert.True(messages.Count >= table.Count, $"{messages.Count} log messages found for {table.Count} ids");
        foreach (var (method, attribute) in messages)
        {
            Assert.True(table.TryGetValue(method.Name, out var id), $"{method.DeclaringType!.Name}.{method.Name} has no entry in LogEventIds");
            Assert.True(id == attribute.EventId, $"{method.DeclaringType!.Name}.{method.Name} logs id {attribute.EventId}; LogEventIds.{method.Name} is {id}");
        }
        var shared = messages.GroupBy(m => m.Attribute.EventId).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.Empty(shared);
        var unused = table.Keys.Except(messages.Select(m => m.Method.Name)).ToList();
        Assert.Empty(unused);
    }
}
