package dev.orchestrator.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;

/** The names configuration enums are spelled with in YAML, taken from their {@link JsonProperty}. */
public final class ConfigEnums {
    private ConfigEnums() {}

    /** The YAML spelling of one constant. */
    public static String wireName(Enum<?> constant) {
        try {
            JsonProperty property =
                    constant.getDeclaringClass().getField(constant.name()).getAnnotation(JsonProperty.class);
            return property == null ? constant.name() : property.value();
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every YAML spelling an enum accepts, in declaration order. */
    public static List<String> wireNames(Class<?> enumType) {
        List<String> names = new ArrayList<>();
        for (Object constant : enumType.getEnumConstants()) {
            names.add(wireName((Enum<?>) constant));
        }
        return names;
    }
}
