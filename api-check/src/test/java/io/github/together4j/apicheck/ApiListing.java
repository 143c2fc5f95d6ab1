package io.github.together4j.apicheck;

import static java.util.stream.Collectors.joining;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;

/**
 * The public API of a set of classes as sorted text lines: public and protected types and members,
 * with generic signatures, throws clauses and constant values. Packages with an {@code internal}
 * segment, package-private classes, synthetic members and bridges are left out. Classes are loaded
 * through reflection but never initialized.
 */
final class ApiListing {
  private static final int FIELD = 0, CONSTRUCTOR = 1, METHOD = 2;

  /** One member line; members sort by kind, then name, then text. */
  private record Line(int kind, String name, String text) {}

  private ApiListing() {}

  /** Binary names of the classes in a jar or a classes directory, sorted. */
  static List<String> classNames(Path root) throws IOException {
    List<String> entries;
    if (Files.isDirectory(root)) {
      try (Stream<Path> files = Files.walk(root)) {
        String separator = root.getFileSystem().getSeparator();
        entries =
            files
                .filter(Files::isRegularFile)
                .map(file -> root.relativize(file).toString().replace(separator, "/"))
                .toList();
      }
    } else {
      try (JarFile jar = new JarFile(root.toFile())) {
        entries = jar.stream().map(ZipEntry::getName).toList();
      }
    }
    return entries.stream()
        .filter(entry -> entry.endsWith(".class") && !entry.startsWith("META-INF/"))
        .filter(
            entry -> !entry.endsWith("module-info.class") && !entry.endsWith("package-info.class"))
        .map(entry -> entry.substring(0, entry.length() - ".class".length()).replace('/', '.'))
        .sorted()
        .toList();
  }

  /** The listing of the API types among the named classes: one type line, then its members. */
  static List<String> listing(Collection<String> classNames, ClassLoader loader)
      throws ClassNotFoundException, IOException {
    List<Class<?>> types = new ArrayList<>();
    for (String name : classNames) {
      Class<?> type = Class.forName(name, false, loader);
      if (isApi(type)) {
        types.add(type);
      }
    }
    types.sort(Comparator.comparing(Class::getName));
    List<String> lines = new ArrayList<>();
    for (Class<?> type : types) {
      if (!lines.isEmpty()) {
        lines.add("");
      }
      lines.add(header(type));
      members(type).stream()
          .sorted(
              Comparator.comparingInt(Line::kind)
                  .thenComparing(Line::name)
                  .thenComparing(Line::text))
          .forEach(line -> lines.add("  " + line.text()));
    }
    return lines;
  }

  private static boolean isApi(Class<?> type) {
    return !("." + type.getPackageName() + ".").contains(".internal.")
        && !type.isSynthetic()
        && !type.isAnonymousClass()
        && !type.isLocalClass()
        && isVisible(type);
  }

  /** Public or protected, and so is every class it is nested in. */
  private static boolean isVisible(Class<?> type) {
    Class<?> outer = type.getDeclaringClass();
    return isExposed(type.getModifiers()) && (outer == null || isVisible(outer));
  }

  private static boolean isExposed(int modifiers) {
    return (modifiers & (Modifier.PUBLIC | Modifier.PROTECTED)) != 0;
  }

  private static String header(Class<?> type) {
    String kind =
        type.isAnnotation()
            ? "@interface"
            : type.isInterface()
                ? "interface"
                : type.isEnum() ? "enum" : type.isRecord() ? "record" : "class";
    int modifiers = type.getModifiers() & Modifier.classModifiers();
    if (type.isInterface()) {
      modifiers &= ~Modifier.ABSTRACT;
    }
    StringBuilder s =
        new StringBuilder(prefix(type, modifiers))
            .append(kind)
            .append(' ')
            .append(type.getName())
            .append(typeParameters(type.getTypeParameters()));
    if (!type.isInterface() && type.getSuperclass() != Object.class) {
      s.append(" extends ").append(type.getGenericSuperclass().getTypeName());
    }
    if (!type.isAnnotation() && type.getGenericInterfaces().length > 0) {
      s.append(type.isInterface() ? " extends " : " implements ")
          .append(types(type.getGenericInterfaces(), ", "));
    }
    return s.toString();
  }

  private static List<Line> members(Class<?> type) throws IOException {
    List<Line> lines = new ArrayList<>();
    Map<String, Object> constants = null;
    for (Field field : type.getDeclaredFields()) {
      if (isExposed(field.getModifiers()) && !field.isSynthetic()) {
        int modifiers = field.getModifiers() & Modifier.fieldModifiers();
        String value = "";
        if (Modifier.isStatic(modifiers)
            && Modifier.isFinal(modifiers)
            && (field.getType().isPrimitive() || field.getType() == String.class)) {
          constants = constants != null ? constants : constantValues(type);
          Object constant = constants.get(field.getName());
          value = constant == null ? "" : " = " + literal(fromClassFile(constant, field.getType()));
        }
        lines.add(
            new Line(
                FIELD,
                field.getName(),
                prefix(field, modifiers)
                    + field.getGenericType().getTypeName()
                    + " "
                    + field.getName()
                    + value));
      }
    }
    for (Constructor<?> constructor : type.getDeclaredConstructors()) {
      if (isExposed(constructor.getModifiers()) && !constructor.isSynthetic()) {
        int modifiers = constructor.getModifiers() & Modifier.constructorModifiers();
        lines.add(
            new Line(
                CONSTRUCTOR,
                "",
                prefix(constructor, modifiers)
                    + generics(constructor)
                    + type.getSimpleName()
                    + signature(constructor)));
      }
    }
    for (Method method : type.getDeclaredMethods()) {
      if (isExposed(method.getModifiers()) && !method.isSynthetic() && !method.isBridge()) {
        int modifiers = method.getModifiers() & Modifier.methodModifiers();
        Object defaultValue = method.getDefaultValue(); // of an annotation element
        lines.add(
            new Line(
                METHOD,
                method.getName(),
                prefix(method, modifiers)
                    + (method.isDefault() ? "default " : "")
                    + generics(method)
                    + method.getGenericReturnType().getTypeName()
                    + " "
                    + method.getName()
                    + signature(method)
                    + (defaultValue == null ? "" : " default " + literal(defaultValue))));
      }
    }
    return lines;
  }

  /** {@code @Deprecated}, if it is, then the modifiers. */
  private static String prefix(AnnotatedElement element, int modifiers) {
    return (element.isAnnotationPresent(Deprecated.class) ? "@Deprecated " : "")
        + (modifiers == 0 ? "" : Modifier.toString(modifiers) + " ");
  }

  private static String signature(Executable executable) {
    String parameters = types(executable.getGenericParameterTypes(), ", ");
    if (executable.isVarArgs() && parameters.endsWith("[]")) {
      parameters = parameters.substring(0, parameters.length() - 2) + "...";
    }
    Type[] exceptions = executable.getGenericExceptionTypes();
    String throwsClause = exceptions.length == 0 ? "" : " throws " + types(exceptions, ", ");
    return "(" + parameters + ")" + throwsClause;
  }

  /** A method's or constructor's type parameters, and a space; or nothing. */
  private static String generics(Executable executable) {
    String typeParameters = typeParameters(executable.getTypeParameters());
    return typeParameters.isEmpty() ? "" : typeParameters + " ";
  }

  private static String typeParameters(TypeVariable<?>[] variables) {
    return variables.length == 0
        ? ""
        : Arrays.stream(variables)
            .map(
                v ->
                    v.getName()
                        + (Arrays.equals(v.getBounds(), new Type[] {Object.class})
                            ? ""
                            : " extends " + types(v.getBounds(), " & ")))
            .collect(joining(", ", "<", ">"));
  }

  private static String types(Type[] types, String separator) {
    return Arrays.stream(types).map(Type::getTypeName).collect(joining(separator));
  }

  /** A constant or an annotation element's default, as Java source writes it. */
  private static String literal(Object value) {
    if (value instanceof String || value instanceof Character) {
      char quote = value instanceof String ? '"' : '\'';
      StringBuilder s = new StringBuilder().append(quote);
      for (char c : value.toString().toCharArray()) {
        s.append(
            switch (c) {
              case '\n' -> "\\n";
              case '\r' -> "\\r";
              case '\t' -> "\\t";
              default ->
                  c == quote || c == '\\'
                      ? "\\" + c
                      : c < 0x20 || c > 0x7e
                          ? String.format("\\u%04x", (int) c)
                          : String.valueOf(c);
            });
      }
      return s.append(quote).toString();
    } else if (value instanceof Long || value instanceof Float) {
      return value + (value instanceof Long ? "L" : "f");
    } else if (value instanceof Class<?> c) {
      return c.getTypeName() + ".class";
    } else if (value instanceof Enum<?> e) {
      return e.getDeclaringClass().getName() + "." + e.name();
    } else if (value.getClass().isArray()) {
      return IntStream.range(0, Array.getLength(value))
          .mapToObj(i -> literal(Array.get(value, i)))
          .collect(joining(", ", "{", "}"));
    }
    return value.toString();
  }

  /** The class file keeps boolean, char, byte and short constants as ints. */
  private static Object fromClassFile(Object value, Class<?> type) {
    int i = value instanceof Integer integer ? integer : 0;
    return type == boolean.class
        ? (Object) (i != 0)
        : type == char.class
            ? (Object) (char) i
            : type == byte.class
                ? (Object) (byte) i
                : type == short.class ? (Object) (short) i : value;
  }

  /**
   * Compile-time constants by field name, from the ConstantValue attributes of the class file
   * (reading the fields through reflection would initialize the class).
   */
  private static Map<String, Object> constantValues(Class<?> type) throws IOException {
    DataInputStream in;
    String resource = type.getName().replace('.', '/') + ".class";
    try (InputStream file = type.getClassLoader().getResourceAsStream(resource)) {
      in = new DataInputStream(new ByteArrayInputStream(file.readAllBytes()));
    }
    in.skipBytes(8); // magic, minor and major version
    int count = in.readUnsignedShort();
    int[] tags = new int[count];
    Object[] pool = new Object[count];
    for (int i = 1; i < count; i++) {
      tags[i] = in.readUnsignedByte();
      switch (tags[i]) {
        case 1 -> pool[i] = in.readUTF();
        case 3 -> pool[i] = in.readInt();
        case 4 -> pool[i] = in.readFloat();
        case 5 -> pool[i++] = in.readLong(); // longs and doubles take two entries
        case 6 -> pool[i++] = in.readDouble();
        case 7, 8, 16, 19, 20 -> pool[i] = in.readUnsignedShort();
        case 15 -> in.skipBytes(3);
        case 9, 10, 11, 12, 17, 18 -> in.skipBytes(4);
        default ->
            throw new IOException("Unknown constant pool tag " + tags[i] + " in " + resource);
      }
    }
    in.skipBytes(6); // access flags, this class, super class
    in.skipBytes(2 * in.readUnsignedShort()); // interfaces
    Map<String, Object> values = new HashMap<>();
    for (int fields = in.readUnsignedShort(); fields > 0; fields--) {
      in.skipBytes(2); // access flags
      String name = (String) pool[in.readUnsignedShort()];
      in.skipBytes(2); // descriptor
      for (int attributes = in.readUnsignedShort(); attributes > 0; attributes--) {
        String attribute = (String) pool[in.readUnsignedShort()];
        int length = in.readInt();
        if (attribute.equals("ConstantValue")) {
          int index = in.readUnsignedShort();
          values.put(
              name, tags[index] == 8 ? pool[(Integer) pool[index]] : pool[index]); // 8: a String
        } else {
          in.skipBytes(length);
        }
      }
    }
    return values;
  }
}
