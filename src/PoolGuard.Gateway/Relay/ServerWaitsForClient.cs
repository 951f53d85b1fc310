using PoolGuard.Protocol.Messages;

namespace PoolGuard.Gateway.Relay;

/// <summary>
/// What a server can still be waiting for from its client: the rest of a message, the rest of a
/// COPY FROM STDIN, the Sync that ends an extended-query batch. If the client is gone, that can never
/// come, so waiting for an answer only keeps the server from the pool; it is closed at once instead.
/// </summary>
internal static class ServerWaitsForClient
{
    public const string RestOfMessage = "in the middle of a message";
    public const string CopyData = "during COPY FROM STDIN";
    public const string Sync = "before the Sync of an extended-query batch";

    /// <summary>What a client that has just gone left its server waiting for, or null when it can finish on its own.</summary>
    public static string? After(bool midMessage, bool awaitsCopyData, bool unsynced) =>
        midMessage ? RestOfMessage : awaitsCopyData ? CopyData : unsynced ? Sync : null;

    /// <summary>
    /// Follows a server's messages: after CopyInResponse (or CopyBothResponse) the server waits for the
    /// client's data until it ends the COPY, which it answers with CommandComplete or ErrorResponse.
    /// </summary>
    public static bool AwaitsCopyData(bool before, byte type) => type switch
    {
        BackendMessage.CopyInResponse or BackendMessage.CopyBothResponse => true,
        BackendMessage.CommandComplete or BackendMessage.ErrorResponse or BackendMessage.ReadyForQuery => false,
        _ => before,
    };
}
