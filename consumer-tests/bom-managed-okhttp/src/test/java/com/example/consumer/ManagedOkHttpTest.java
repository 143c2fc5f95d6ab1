package com.example.consumer;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** okhttp declared without a version, managed by together4j's BOM (first) and okhttp-bom 4.12.0 (second). */
class ManagedOkHttpTest {
  @Test
  void ourBomWinsSoOkHttpIsTheClasslessOkHttp5Artifact() {
    ClasspathReport.assertOkHttp5ArtifactBesideOkHttpJvm("bom-managed-okhttp");
  }

  @Test
  void generatesAgainstTheFakeServer(@TempDir Path dir) throws Exception {
    FakeServerCall.generateOneImage(dir);
  }
}
