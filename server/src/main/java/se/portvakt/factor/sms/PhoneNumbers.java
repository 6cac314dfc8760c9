package se.portvakt.factor.sms;

import java.text.Collator;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;

/**
 * Phone numbers as people type them, read with libphonenumber: a national number in the chosen country
 * (Sweden, +46, unless the person picks another) or an international one starting with +.
 */
public final class PhoneNumbers {

    /** The country a number is read in by default. */
    public static final String DEFAULT_REGION = "SE";

    /** A choice in the country list: region code, calling code and the country's name in the page's language. */
    public record Country(String region, int callingCode, String name) {

        /** The option's text, e.g. "Sweden (+46)". */
        public String label() {
            return name + " (+" + callingCode + ")";
        }
    }

    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
    private static final Map<Locale, List<Country>> COUNTRIES = new ConcurrentHashMap<>();

    private PhoneNumbers() {}

    /** Every country libphonenumber knows, sorted by name in this language. */
    public static List<Country> countries(Locale locale) {
        return COUNTRIES.computeIfAbsent(locale, l -> {
            Collator collator = Collator.getInstance(l);
            return UTIL.getSupportedRegions().stream()
                    .map(region -> new Country(region, UTIL.getCountryCodeForRegion(region),
                            new Locale("", region).getDisplayCountry(l)))
                    .sorted(Comparator.comparing(Country::name, collator))
                    .toList();
        });
    }

    /** True when this is a region code of the country list. */
    public static boolean isRegion(String region) {
        return region != null && UTIL.getSupportedRegions().contains(region);
    }

    /** The number in E.164 ({@code +46701234567}), when it is a valid number that can receive texts. */
    public static Optional<String> parse(String region, String typed) {
        if (typed == null || typed.isBlank() || typed.length() > 40) {
            return Optional.empty();
        }
        try {
            PhoneNumber number = UTIL.parse(typed, isRegion(region) ? region : DEFAULT_REGION);
            if (!UTIL.isValidNumber(number)) {
                return Optional.empty();
            }
            PhoneNumberUtil.PhoneNumberType type = UTIL.getNumberType(number);
            boolean textable = type == PhoneNumberUtil.PhoneNumberType.MOBILE
                    || type == PhoneNumberUtil.PhoneNumberType.FIXED_LINE_OR_MOBILE;
            return textable ? Optional.of(UTIL.format(number, PhoneNumberFormat.E164)) : Optional.empty();
        } catch (NumberParseException unreadable) {
            return Optional.empty();
        }
    }

    /**
     * The number with all but its last two digits hidden, for pages: {@code +46 ••••••• 67}, with no-break spaces
     * so that it never wraps inside.
     */
    public static String masked(String e164) {
        try {
            PhoneNumber number = UTIL.parse(e164, DEFAULT_REGION);
            String national = UTIL.getNationalSignificantNumber(number);
            String tail = national.length() > 2 ? national.substring(national.length() - 2) : "";
            return "+" + number.getCountryCode() + '\u00a0' + "•".repeat(Math.max(0, national.length() - 2)) + '\u00a0' + tail;
        } catch (NumberParseException unreadable) {
            return "••••";
        }
    }
}
