using System.Collections.Frozen;
using System.Text;

namespace PoolGuard.Gateway.Events;

/// <summary>The snake_case names events carry in files and APIs ("pool_saturated"), made once.</summary>
public static class EventKindNames
{
    private static readonly FrozenDictionary<GatewayEventKind, string> s_names =
        Enum.GetValues<GatewayEventKind>().ToFrozenDictionary(k => k, k => SnakeCase(k.ToString()));

    public static string Of(GatewayEventKind kind) => s_names[kind];

    private static string SnakeCase(string name)
    {
        var builder = new StringBuilder(name.Length + 4);
        foreach (var c in name)
        {
            if (char.IsUpper(c) && builder.Length > 0)
            {
                builder.Append('_');
            }
            builder.Append(char.ToLowerInvariant(c));
        }
        return builder.ToString();
    }
}
