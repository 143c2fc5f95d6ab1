package io.github.together4j.images;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/** What kind of place a host or an address is: loopback, or inside a private network. */
final class Addresses {
  private Addresses() {}

  /** Whether {@code host} is loopback, without a DNS lookup for names other than localhost. */
  static boolean isLoopback(String host) {
    String lower = host.toLowerCase(Locale.ROOT);
    if (lower.equals("localhost") || lower.endsWith(".localhost")) {
      return true;
    }
    boolean ipLiteral = host.contains(":") || host.matches("[0-9.]+");
    if (!ipLiteral) {
      return false;
    }
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /**
   * Whether {@code address} is loopback, link-local, private (RFC 1918 or IPv6 unique-local) or the
   * wildcard: a place inside the user's network that a remote host must not send us to.
   */
  static boolean isInternal(InetAddress address) {
    byte[] raw = address.getAddress();
    boolean uniqueLocal = raw.length == 16 && (raw[0] & 0xfe) == 0xfc;
    return address.isLoopbackAddress()
        || address.isLinkLocalAddress()
        || address.isSiteLocalAddress()
        || address.isAnyLocalAddress()
        || uniqueLocal;
  }
}
