package se.portvakt.myaccount;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BooleanSupplier;

import org.springframework.stereotype.Component;

import se.portvakt.account.Account;
import se.portvakt.audit.AuditEvent;
import se.portvakt.audit.AuditLog;
import se.portvakt.factor.FactorKind;
import se.portvakt.factor.FactorNotices;
import se.portvakt.factor.FactorStore;
import se.portvakt.factor.push.Device;
import se.portvakt.factor.push.Devices;
import se.portvakt.signin.twofactor.TwoFactorRequiredBy;

/**
 * The person's two-factor methods as My account shows and changes them: the authenticator app, each Portvakt
 * Authenticator device, the SMS number, the emergency code. Each change is audited and mailed to the account. The
 * last everyday method (app, device, number) going turns two-factor authentication off, as "Turn off" does; both are
 * refused while an application the person uses requires two factors (decision 0035).
 */
@Component
class TwoFactorMethods {

    /** The longest device name kept (the column's size). */
    static final int NAME_LENGTH = 100;

    private final FactorStore factors;
    private final Devices devices;
    private final TwoFactorRequiredBy requiredBy;
    private final FactorNotices notices;
    private final AuditLog audit;

    TwoFactorMethods(FactorStore factors, Devices devices, TwoFactorRequiredBy requiredBy, FactorNotices notices,
            AuditLog audit) {
        this.factors = factors;
        this.devices = devices;
        this.requiredBy = requiredBy;
        this.notices = notices;
        this.audit = audit;
    }

    /** What the account has: the factors of {@code account_factor} and the paired devices. */
    record Methods(List<FactorStore.Enrolled> factors, List<Device> devices) {

        Optional<FactorStore.Enrolled> of(FactorKind kind) {
            return factors.stream().filter(factor -> factor.kind() == kind).findFirst();
        }

        /** The methods used at each sign-in (not the emergency code). */
        int everyday() {
            return devices.size() + (of(FactorKind.TOTP).isPresent() ? 1 : 0) + (of(FactorKind.SMS).isPresent() ? 1 : 0);
        }

        boolean on() {
            return !factors.isEmpty() || !devices.isEmpty();
        }

        /**
         * An SMS number can be added beside an authenticator app or a device, or in place of the person's number: it
         * is a backup, never the only method of a person who had none (decision 0038).
         */
        boolean smsAllowed() {
            return of(FactorKind.TOTP).isPresent() || !devices.isEmpty() || of(FactorKind.SMS).isPresent();
        }
    }

    /** What became of a change. */
    enum Outcome {
        DONE,
        /** The last method went, so two-factor authentication is off. */
        TURNED_OFF,
        /** Nothing of that name (another person's device, made up, removed already). */
        NOT_FOUND,
        /** An application the person uses requires two factors: {@link #requiringApplication}. */
        REQUIRED
    }

    Methods of(String accountId) {
        return new Methods(factors.details(accountId), devices.of(accountId));
    }

    /** An application the person uses that requires two factors, by name (decision 0035; {@link TwoFactorRequiredBy}). */
    Optional<String> requiringApplication(String accountId) {
        return requiredBy.applicationOf(accountId);
    }

    Outcome removeApp(Account account, String address, Locale locale) {
        return removeFactor(account, FactorKind.TOTP, address, locale);
    }

    Outcome removeNumber(Account account, String address, Locale locale) {
        return removeFactor(account, FactorKind.SMS, address, locale);
    }

    Outcome removeDevice(Account account, String deviceId, String address, Locale locale) {
        Methods methods = of(account.id());
        if (!isDeviceId(deviceId) || methods.devices().stream().noneMatch(device -> device.id().equals(deviceId))) {
            return Outcome.NOT_FOUND;
        }
        return remove(account, methods, FactorKind.PUSH, () -> devices.remove(account.id(), deviceId), address, locale);
    }

    /** Renames a device of the person; a blank or too long name is the caller's to refuse first. */
    Outcome renameDevice(Account account, String deviceId, String name, String address, Locale locale) {
        if (!isDeviceId(deviceId) || !devices.rename(account.id(), deviceId, name)) {
            return Outcome.NOT_FOUND;
        }
        audit.record(new AuditEvent("authenticator.device.renamed", "success", account.id(), account.email().value(),
                null, address, "device " + deviceId));
        notices.deviceRenamed(account, locale);
        return Outcome.DONE;
    }

    /** Turns two-factor authentication off: every factor and device goes, as the sign-in's "off" does. */
    Outcome turnOff(Account account, String address, Locale locale) {
        if (!of(account.id()).on()) {
            return Outcome.NOT_FOUND;
        }
        if (requiringApplication(account.id()).isPresent()) {
            return refused(account, address, "turn off");
        }
        off(account, address, locale, "two-factor authentication turned off on My account");
        return Outcome.TURNED_OFF;
    }

    /** An authenticator app's first code was right ({@code TotpFactor#confirmSetup}): audited and mailed. */
    void appAdded(Account account, boolean replaced, String address, Locale locale) {
        audit.record(new AuditEvent("factor.added", "success", account.id(), account.email().value(), null, address,
                replaced ? "totp, replacing the old app, on My account" : "totp, on My account"));
        notices.factorAdded(account, FactorKind.TOTP, locale);
    }

    /** The code sent to a new SMS number was right ({@code SmsNumberSetup}): audited and mailed. */
    void numberAdded(Account account, boolean replaced, String address, Locale locale) {
        audit.record(new AuditEvent("factor.added", "success", account.id(), account.email().value(), null, address,
                replaced ? "sms, replacing the old number, on My account" : "sms, on My account"));
        notices.factorAdded(account, FactorKind.SMS, locale);
    }

    /** A Portvakt Authenticator device was paired on My account: audited and mailed, as the sign-in's set-up is. */
    void deviceAdded(Account account, String address, Locale locale) {
        audit.record(new AuditEvent("factor.added", "success", account.id(), account.email().value(), null, address,
                "push, on My account"));
        notices.factorAdded(account, FactorKind.PUSH, locale);
    }

    /**
     * The new emergency code was saved: audited and mailed, the mail saying the old one no longer works only when
     * there was one ({@code replaced}; {@code EmergencyCodes} replaced it).
     */
    void emergencyCodeSaved(Account account, boolean replaced, String address, Locale locale) {
        audit.record(new AuditEvent("factor.added", "success", account.id(), account.email().value(), null, address,
                replaced ? "emergency_code, replacing the old one, on My account" : "emergency_code, on My account"));
        if (replaced) {
            notices.emergencyCodeReplaced(account, locale);
        } else {
            notices.emergencyCodeSaved(account, locale);
        }
    }

    /** Only what a device id can be reaches the database (PostgreSQL refuses a NUL in text with an error). */
    static boolean isDeviceId(String deviceId) {
        return deviceId != null && deviceId.matches("[A-Za-z0-9_-]{1,32}");
    }

    private Outcome removeFactor(Account account, FactorKind kind, String address, Locale locale) {
        Methods methods = of(account.id());
        if (methods.of(kind).isEmpty()) {
            return Outcome.NOT_FOUND;
        }
        return remove(account, methods, kind, () -> factors.remove(account.id(), kind), address, locale);
    }

    private Outcome remove(Account account, Methods methods, FactorKind kind, BooleanSupplier removal, String address,
            Locale locale) {
        if (methods.everyday() <= 1) {
            if (requiringApplication(account.id()).isPresent()) {
                return refused(account, address, "remove the last method");
            }
            off(account, address, locale, "two-factor authentication turned off on My account: its last method, "
                    + kind.name().toLowerCase(Locale.ROOT) + ", removed");
            return Outcome.TURNED_OFF;
        }
        if (!removal.getAsBoolean()) {
            return Outcome.NOT_FOUND; // removed meanwhile, by another tab
        }
        audit.record(new AuditEvent("factor.removed", "success", account.id(), account.email().value(), null, address,
                kind.name().toLowerCase(Locale.ROOT) + ", on My account"));
        notices.factorRemoved(account, kind, locale);
        return Outcome.DONE;
    }

    private void off(Account account, String address, Locale locale, String detail) {
        factors.removeAll(account.id());
        devices.removeAll(account.id());
        audit.record(new AuditEvent("factor.removed", "success", account.id(), account.email().value(), null, address,
                detail));
        notices.twoFactorTurnedOff(account, locale);
    }

    private Outcome refused(Account account, String address, String what) {
        audit.record(new AuditEvent("factor.removed", "refused", account.id(), account.email().value(), null, address,
                what + ": an application requires two-factor authentication"));
        return Outcome.REQUIRED;
    }
}
