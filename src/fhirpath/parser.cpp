// FHIRPath lexer and recursive-descent parser (precedence as in the FHIRPath grammar).
#include <cctype>
#include <charconv>

#include "core/error.hpp"
#include "fhirpath/ast.hpp"
#include "fhirpath/evaluator.hpp"
#include "fhirpath/functions.hpp"
#include "fhirpath/temporal.hpp"

namespace fos::fhirpath {
namespace {

enum class TokenKind {
  kEnd,
  kIdentifier,
  kString,
  kNumber,
  kDateTime,
  kVariable,
  kSpecial,
  kSymbol
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;
  size_t position = 0;
  bool quoted = false;  // a `delimited` identifier: never a keyword
};

[[noreturn]] void syntax_error(std::string_view expression, size_t position,
                               const std::string& message) {
  fail(ErrorKind::kFhirpath, "fhirpath '" + std::string(expression) + "': position " +
                                 std::to_string(position) + ": " + message);
}

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  std::vector<Token> tokens() {
    std::vector<Token> out;
    while (true) {
      skip_space();
      Token token = next();
      const bool end = token.kind == TokenKind::kEnd;
      out.push_back(std::move(token));
      if (end) return out;
    }
  }

 private:
  void skip_space() {
    while (pos_ < text_.size()) {
      if (std::isspace(static_cast<unsigned char>(text_[pos_]))) {
        ++pos_;
      } else if (text_.compare(pos_, 2, "//") == 0) {
        while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
      } else if (text_.compare(pos_, 2, "/*") == 0) {
        const size_t end = text_.find("*/", pos_ + 2);
        if (end == std::string_view::npos) syntax_error(text_, pos_, "unterminated comment");
        pos_ = end + 2;
      } else {
        return;
      }
    }
  }

  static bool ident_start(char c) {
    return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
  }
  static bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

  std::string quoted(char quote) {
    const size_t start = pos_;
    ++pos_;
    std::string out;
    while (pos_ < text_.size() && text_[pos_] != quote) {
      char c = text_[pos_++];
      if (c == '\\') {
        if (pos_ >= text_.size()) break;
        const char e = text_[pos_++];
        switch (e) {
          case 'n':
            c = '\n';
            break;
          case 't':
            c = '\t';
            break;
          case 'r':
            c = '\r';
            break;
          case 'f':
            c = '\f';
            break;
          case 'u': {
            if (pos_ + 4 > text_.size()) syntax_error(text_, pos_, "bad \\u escape");
            unsigned code = 0;  // exactly four hex digits (fuzz/fuzz_fhirpath found stoul's throw)
            const char* digits = text_.data() + pos_;
            const auto [end, ec] = std::from_chars(digits, digits + 4, code, 16);
            if (ec != std::errc() || end != digits + 4) {
              syntax_error(text_, pos_, "bad \\u escape");
            }
            pos_ += 4;
            if (code < 0x80) {
              out += static_cast<char>(code);
            } else if (code < 0x800) {
              out += static_cast<char>(0xC0 | (code >> 6));
              out += static_cast<char>(0x80 | (code & 0x3F));
            } else {
              out += static_cast<char>(0xE0 | (code >> 12));
              out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
              out += static_cast<char>(0x80 | (code & 0x3F));
            }
            continue;
          }
          default:
            c = e;
        }
      }
      out += c;
    }
    if (pos_ >= text_.size()) syntax_error(text_, start, "unterminated string");
    ++pos_;
    return out;
  }

  Token next() {
    Token token;
    token.position = pos_;
    if (pos_ >= text_.size()) return token;
    const char c = text_[pos_];
    if (ident_start(c)) {
      const size_t start = pos_;
      while (pos_ < text_.size() && ident_char(text_[pos_])) ++pos_;
      token.kind = TokenKind::kIdentifier;
      token.text = std::string(text_.substr(start, pos_ - start));
      return token;
    }
    if (c == '`') {
      token.kind = TokenKind::kIdentifier;
      token.text = quoted('`');
      token.quoted = true;
      return token;
    }
    if (c == '\'') {
      token.kind = TokenKind::kString;
      token.text = quoted('\'');
      return token;
    }
    if (std::isdigit(static_cast<unsigned char>(c))) {
      const size_t start = pos_;
      while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) ++pos_;
      if (pos_ + 1 < text_.size() && text_[pos_] == '.' &&
          std::isdigit(static_cast<unsigned char>(text_[pos_ + 1]))) {
        ++pos_;
        while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) ++pos_;
      }
      token.kind = TokenKind::kNumber;
      token.text = std::string(text_.substr(start, pos_ - start));
      return token;
    }
    if (c == '@') {
      const size_t start = ++pos_;
      // A '.' belongs to the literal only before digits (seconds' fraction), not a call.
      while (pos_ < text_.size() &&
             (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '-' ||
              text_[pos_] == ':' || text_[pos_] == '+' ||
              (text_[pos_] == '.' && pos_ + 1 < text_.size() &&
               std::isdigit(static_cast<unsigned char>(text_[pos_ + 1]))))) {
        ++pos_;
      }
      token.kind = TokenKind::kDateTime;
      token.text = std::string(text_.substr(start, pos_ - start));
      if (token.text.empty())
        syntax_error(text_, token.position, "expected a date or time after '@'");
      return token;
    }
    if (c == '%') {
      ++pos_;
      token.kind = TokenKind::kVariable;
      if (pos_ < text_.size() && (text_[pos_] == '`' || text_[pos_] == '\'')) {
        token.text = quoted(text_[pos_]);
        return token;
      }
      const size_t start = pos_;
      while (pos_ < text_.size() && ident_char(text_[pos_])) ++pos_;
      if (pos_ == start) syntax_error(text_, token.position, "expected a name after '%'");
      token.text = std::string(text_.substr(start, pos_ - start));
      return token;
    }
    if (c == '$') {
      const size_t start = ++pos_;
      while (pos_ < text_.size() && ident_char(text_[pos_])) ++pos_;
      token.kind = TokenKind::kSpecial;
      token.text = std::string(text_.substr(start, pos_ - start));
      if (token.text != "this" && token.text != "index" && token.text != "total") {
        syntax_error(text_, token.position, "unknown special variable '$" + token.text + "'");
      }
      return token;
    }
    for (std::string_view symbol : {"<=", ">=", "!=", "!~"}) {
      if (text_.compare(pos_, 2, symbol) == 0) {
        pos_ += 2;
        token.kind = TokenKind::kSymbol;
        token.text = std::string(symbol);
        return token;
      }
    }
    if (std::string_view(".[](),=<>+-*/&|~{}").find(c) != std::string_view::npos) {
      ++pos_;
      token.kind = TokenKind::kSymbol;
      token.text = std::string(1, c);
      return token;
    }
    syntax_error(text_, pos_, std::string("unexpected character '") + c + "'");
  }

  std::string_view text_;
  size_t pos_ = 0;
};

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text), tokens_(Lexer(text).tokens()) {}

  std::unique_ptr<Node> parse() {
    if (peek().kind == TokenKind::kEnd) syntax_error(text_, 0, "empty expression");
    auto node = expression(0);
    if (peek().kind != TokenKind::kEnd) {
      syntax_error(text_, peek().position, "unexpected '" + peek().text + "'");
    }
    return node;
  }

 private:
  const Token& peek() const { return tokens_[index_]; }
  const Token& take() { return tokens_[index_++]; }
  bool is_symbol(std::string_view s) const {
    return peek().kind == TokenKind::kSymbol && peek().text == s;
  }
  bool is_keyword(std::string_view s) const {
    return peek().kind == TokenKind::kIdentifier && !peek().quoted && peek().text == s;
  }
  void expect_symbol(std::string_view s) {
    if (!is_symbol(s)) {
      syntax_error(
          text_, peek().position,
          "expected '" + std::string(s) + "'" +
              (peek().kind == TokenKind::kEnd ? " at the end" : ", got '" + peek().text + "'"));
    }
    ++index_;
  }

  // Binary operator levels, lowest first.
  static int level_of(const Token& t) {
    if (t.kind == TokenKind::kIdentifier && !t.quoted) {
      if (t.text == "implies") return 1;
      if (t.text == "or" || t.text == "xor") return 2;
      if (t.text == "and") return 3;
      if (t.text == "in" || t.text == "contains") return 4;
      if (t.text == "is" || t.text == "as") return 8;
      if (t.text == "div" || t.text == "mod") return 10;
      return 0;
    }
    if (t.kind != TokenKind::kSymbol) return 0;
    if (t.text == "=" || t.text == "~" || t.text == "!=" || t.text == "!~") return 5;
    if (t.text == "<" || t.text == ">" || t.text == "<=" || t.text == ">=") return 6;
    if (t.text == "|") return 7;
    if (t.text == "+" || t.text == "-" || t.text == "&") return 9;
    if (t.text == "*" || t.text == "/") return 10;
    return 0;
  }

  std::unique_ptr<Node> expression(int min_level) {
    auto left = unary();
    while (true) {
      const Token& op = peek();
      const int level = level_of(op);
      if (level == 0 || level <= min_level) return left;
      take();
      auto node = std::make_unique<Node>();
      node->position = op.position;
      node->name = op.text;
      if (level == 8) {
        node->kind = Node::Kind::kTypeOp;
        node->type_name = qualified_name();
        node->children.push_back(std::move(left));
      } else {
        node->kind = Node::Kind::kBinary;
        node->children.push_back(std::move(left));
        node->children.push_back(expression(level));
      }
      left = std::move(node);
    }
  }

  std::string qualified_name() {
    if (peek().kind != TokenKind::kIdentifier)
      syntax_error(text_, peek().position, "expected a type name");
    std::string name = take().text;
    while (is_symbol(".") && tokens_[index_ + 1].kind == TokenKind::kIdentifier) {
      take();
      name += "." + take().text;
    }
    return name;
  }

  std::unique_ptr<Node> unary() {
    if (is_symbol("-") || is_symbol("+")) {
      const Token& op = take();
      auto node = std::make_unique<Node>();
      node->kind = Node::Kind::kUnary;
      node->position = op.position;
      node->name = op.text;
      node->children.push_back(unary());
      return node;
    }
    return postfix(term());
  }

  std::unique_ptr<Node> postfix(std::unique_ptr<Node> left) {
    while (true) {
      if (is_symbol(".")) {
        const size_t position = take().position;
        auto node = std::make_unique<Node>();
        node->kind = Node::Kind::kInvoke;
        node->position = position;
        node->children.push_back(std::move(left));
        node->children.push_back(invocation());
        left = std::move(node);
      } else if (is_symbol("[")) {
        const size_t position = take().position;
        auto node = std::make_unique<Node>();
        node->kind = Node::Kind::kIndex;
        node->position = position;
        node->children.push_back(std::move(left));
        node->children.push_back(expression(0));
        expect_symbol("]");
        left = std::move(node);
      } else {
        return left;
      }
    }
  }

  // A member name or a function call after '.' or at the start of a term.
  std::unique_ptr<Node> invocation() {
    const Token& token = peek();
    if (token.kind == TokenKind::kSpecial) return special(take());
    if (token.kind != TokenKind::kIdentifier) {
      syntax_error(text_, token.position,
                   token.kind == TokenKind::kEnd ? "expected a name at the end"
                                                 : "expected a name, got '" + token.text + "'");
    }
    take();
    auto node = std::make_unique<Node>();
    node->position = token.position;
    node->name = token.text;
    if (!is_symbol("(")) {
      node->kind = Node::Kind::kMember;
      return node;
    }
    take();
    node->kind = Node::Kind::kFunction;
    node->function = find_function(token.text);
    if (node->function == nullptr) {
      syntax_error(text_, token.position, "unknown function '" + token.text + "'");
    }
    if (!is_symbol(")")) {
      node->children.push_back(expression(0));
      while (is_symbol(",")) {
        take();
        node->children.push_back(expression(0));
      }
    }
    expect_symbol(")");
    const size_t count = node->children.size();
    if (count < node->function->min_args || count > node->function->max_args) {
      syntax_error(text_, token.position,
                   "function '" + token.text + "' takes " +
                       std::to_string(node->function->min_args) +
                       (node->function->max_args != node->function->min_args
                            ? " to " + std::to_string(node->function->max_args)
                            : std::string()) +
                       " arguments, got " + std::to_string(count));
    }
    return node;
  }

  std::unique_ptr<Node> special(const Token& token) {
    auto node = std::make_unique<Node>();
    node->position = token.position;
    node->kind = token.text == "this"    ? Node::Kind::kThis
                 : token.text == "index" ? Node::Kind::kIndexVar
                                         : Node::Kind::kTotal;
    return node;
  }

  std::unique_ptr<Node> literal(Value value, size_t position) {
    auto node = std::make_unique<Node>();
    node->kind = Node::Kind::kLiteral;
    node->position = position;
    node->literal.push_back(std::move(value));
    return node;
  }

  // An integer literal; one beyond 64 bits is a syntax error (found by fuzz/fuzz_fhirpath).
  int64_t integer_literal(const Token& token) const {
    int64_t number = 0;
    const char* end = token.text.data() + token.text.size();
    const auto [ptr, ec] = std::from_chars(token.text.data(), end, number);
    if (ec != std::errc() || ptr != end) {
      syntax_error(text_, token.position, "integer literal out of range: " + token.text);
    }
    return number;
  }

  std::unique_ptr<Node> term() {
    const Token& token = peek();
    switch (token.kind) {
      case TokenKind::kString:
        take();
        return literal(Value::of_string(token.text), token.position);
      case TokenKind::kNumber: {
        take();
        Value number = token.text.find('.') == std::string::npos
                           ? Value::of_integer(integer_literal(token))
                           : Value::of_decimal(token.text);
        if (peek().kind == TokenKind::kString) {  // a quantity: 5 'mg'
          number = Value::of_decimal(
              number.kind == ValueKind::kInteger ? std::to_string(number.integer) : number.text);
          number.kind = ValueKind::kQuantity;
          number.unit = take().text;
        }
        return literal(std::move(number), token.position);
      }
      case TokenKind::kDateTime:
        take();
        return date_literal(token);
      case TokenKind::kVariable: {
        take();
        auto node = std::make_unique<Node>();
        node->kind = Node::Kind::kVariable;
        node->position = token.position;
        node->name = token.text;
        return node;
      }
      case TokenKind::kSpecial:
        return special(take());
      case TokenKind::kIdentifier:
        if (!token.quoted && (token.text == "true" || token.text == "false")) {
          take();
          return literal(Value::of_bool(token.text == "true"), token.position);
        }
        return invocation();
      case TokenKind::kSymbol:
        if (token.text == "(") {
          take();
          auto inner = expression(0);
          expect_symbol(")");
          return inner;
        }
        if (token.text == "{") {
          take();
          expect_symbol("}");
          auto node = std::make_unique<Node>();
          node->kind = Node::Kind::kLiteral;
          node->position = token.position;
          return node;
        }
        syntax_error(text_, token.position, "unexpected '" + token.text + "'");
      case TokenKind::kEnd:
        syntax_error(text_, token.position, "unexpected end of expression");
    }
    syntax_error(text_, token.position, "unexpected token");
  }

  std::unique_ptr<Node> date_literal(const Token& token) {
    const std::string& text = token.text;
    const auto parsed = detail::parse_temporal(text);
    if (!parsed) syntax_error(text_, token.position, "malformed date or time '@" + text + "'");
    if (text[0] == 'T')
      return literal(Value::of_temporal(ValueKind::kTime, text.substr(1)), token.position);
    const bool date_time = text.find('T') != std::string::npos;
    std::string clean = text;
    if (!clean.empty() && clean.back() == 'T') clean.pop_back();
    return literal(Value::of_temporal(date_time ? ValueKind::kDateTime : ValueKind::kDate, clean),
                   token.position);
  }

  std::string_view text_;
  std::vector<Token> tokens_;
  size_t index_ = 0;
};

}  // namespace

std::unique_ptr<Node> parse_expression(std::string_view text) {
  return Parser(text).parse();
}

}  // namespace fos::fhirpath
