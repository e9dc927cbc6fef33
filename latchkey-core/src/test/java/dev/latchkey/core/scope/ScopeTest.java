package dev.latchkey.core.scope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.error.OAuthError;
import dev.latchkey.core.error.OAuthException;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ScopeTest {

    @Provide
    Arbitrary<List<String>> scopeTokens() {
        // NQCHAR = %x21 / %x23-5B / %x5D-7E
        Arbitrary<String> token = Arbitraries.strings().withChars('!').withCharRange('#', '[').withCharRange(']', '~')
                .ofMinLength(1).ofMaxLength(20);
        return token.list().ofMaxSize(8).uniqueElements();
    }

    @Property
    void anyValidScopeReadsBackFromItsWireForm(@ForAll("scopeTokens") List<String> tokens) {
        Scope scope = Scope.of(tokens);

        assertThat(Scope.parse(scope.toString(), OAuthError.INVALID_SCOPE)).isEqualTo(scope);
        assertThat(Scope.parse(scope.toString(), OAuthError.INVALID_SCOPE).values()).containsExactlyElementsOf(tokens);
    }

    @Property
    void aScopeContainsEverySubsetOfItself(@ForAll("scopeTokens") List<String> tokens) {
        Scope scope = Scope.of(tokens);
        Scope half = Scope.of(tokens.subList(0, tokens.size() / 2));

        assertThat(scope.containsAll(half)).isTrue();
        assertThat(scope.intersect(half)).isEqualTo(half);
    }

    @ParameterizedTest
    @ValueSource(strings = {" read", "read ", "read  write", "read\twrite", "re\"ad", "re\\ad", "r\u00e9ad", "read\n"})
    void textOutsideTheGrammarIsTheGivenError(String text) {
        assertThatThrownBy(() -> Scope.parse(text, OAuthError.INVALID_SCOPE))
                .isInstanceOfSatisfying(OAuthException.class,
                        e -> assertThat(e.error().code()).isEqualTo("invalid_scope"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/accounts.read /accounts.write", "read", "a:b https://x.example/y"})
    void seedAndCommonScopesParse(String text) {
        assertThat(Scope.parse(text, OAuthError.INVALID_SCOPE).toString()).isEqualTo(text);
    }

    @org.junit.jupiter.api.Test
    void emptyOrAbsentIsTheEmptyScope() {
        assertThat(Scope.parse(null, OAuthError.INVALID_SCOPE)).isEqualTo(Scope.EMPTY);
        assertThat(Scope.parse("", OAuthError.INVALID_SCOPE)).isEqualTo(Scope.EMPTY);
    }
}
