package com.example.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.together4j.images.TogetherImages;
import io.github.together4j.images.testkit.FakeTogether;
import io.github.together4j.images.testkit.FakeTogetherServer;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestClassOrder;
import org.junit.jupiter.api.TestMethodOrder;

/** @FakeTogether's server lives as long as its class, is reset between tests, and is closed after the class. */
@TestClassOrder(ClassOrderer.OrderAnnotation.class)
class ServerLifecycleTest {
  /** The port of UsingTheServer's server, for AfterTheServersClass. */
  static int port;

  @Nested
  @Order(1)
  @FakeTogether
  @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
  class UsingTheServer {
    @Test
    @Order(1)
    void firstTestUsesTheServer(TogetherImages client, FakeTogetherServer server) {
      client.generate("a lighthouse");
      assertThat(server.requestCount()).isEqualTo(1);
      port = server.port();
    }

    @Test
    @Order(2)
    void secondTestGetsTheSameServerReset(FakeTogetherServer server) {
      assertThat(server.port()).isEqualTo(port);
      assertThat(server.requestCount()).isZero();
    }
  }

  @Nested
  @Order(2)
  class AfterTheServersClass {
    @Test
    void itsServerIsClosed() {
      assertThat(port).as("port recorded by UsingTheServer").isPositive();
      assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close())
          .isInstanceOf(ConnectException.class);
    }
  }
}
