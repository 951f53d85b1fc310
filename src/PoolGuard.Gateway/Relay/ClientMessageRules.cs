using PoolGuard.Protocol.Messages;

namespace PoolGuard.Gateway.Relay;

/// <summary>What a client may send once logged in, checked from the header alone.</summary>
internal static class ClientMessageRules
{
    /// <summary>Null when the header is acceptable, else what is wrong with it.</summary>
    public static string? Check(MessageHeader header)
    {
        if (!FrontendMessage.IsValidAfterLogin(header.Type))
        {
            return $"invalid frontend message type {header.Type} ('{(char)header.Type}')";
        }
        if (!header.IsLengthValid)
        {
            return $"invalid message length {header.Length} for message type '{(char)header.Type}'";
        }
        return null;
    }
}
