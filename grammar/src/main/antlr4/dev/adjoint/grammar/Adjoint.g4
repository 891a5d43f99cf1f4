/*
 * The grammar of Adjoint's .nn files.
 *
 * No embedded actions: the AST is built by a visitor in the compiler, which
 * also resolves names and checks types. Elements are labelled so that the
 * visitor reads `ctx.value`, not `ctx.expr(1)`.
 *
 * Newlines end statements. The compiler's token filter drops a newline inside
 * parentheses or brackets and after a token that cannot end a statement (an
 * operator, a comma, '='), so long expressions wrap freely; ';' also ends a
 * statement. See docs/language.md for the language itself.
 */
grammar Adjoint;

program
    : (declaration | end)* EOF
    ;

declaration
    : modelDecl
    | defDecl
    | trainDecl
    ;

// model NAME(hidden = 256, p = 0.2) { statements }
modelDecl
    : 'model' name=ID hyperParams? NL* body=block
    ;

hyperParams
    : '(' (params+=hyperParam (',' params+=hyperParam)*)? ','? ')'
    ;

hyperParam
    : name=ID '=' value=expr
    ;

// def NAME(x, n, p = 0.1) { statements; return expr }
defDecl
    : 'def' name=ID '(' (params+=defParam (',' params+=defParam)*)? ','? ')' NL* body=block
    ;

defParam
    : name=ID ('=' value=expr)?
    ;

block
    : '{' end? (statements+=statement (end statements+=statement)*)? end? '}'
    ;

statement
    : 'input' name=ID ':' type=typeExpr                        # inputStatement
    | 'target' name=ID ':' type=typeExpr                       # targetStatement
    | 'param' name=ID ':' type=typeExpr ('=' init=expr)?       # paramStatement
    | 'output' name=ID '=' value=expr                          # outputStatement
    | name=ID (',' names+=ID)* '=' value=expr                  # assignStatement
    | 'repeat' count=expr NL* body=block                       # repeatStatement
    | 'return' value=expr                                      # returnStatement
    ;

// f32[B, 784], class[B] of 10, class[B] of ("en", "fr")
typeExpr
    : dtype=ID '[' (dims+=expr (',' dims+=expr)*)? ']' ('of' classes=expr)?
    ;

// train NAME(hidden = 128) { settings }
trainDecl
    : 'train' model=ID ('(' overrides=arguments? ')')? NL* '{' end? (settings+=setting (end settings+=setting)*)? end? '}'
    ;

// `batch 64`, `optimizer adam(lr = 1e-3)`, `early_stopping(patience = 3)`
setting
    : key=ID '(' args=arguments? ')'                           # callSetting
    | key=ID args=arguments?                                   # valueSetting
    ;

arguments
    : items+=argument (',' items+=argument)* ','?
    ;

argument
    : (name=argName '=')? value=expr
    ;

// Keywords that read naturally as option names: split(train = 0.8), ...
argName
    : ID | 'train' | 'input' | 'target' | 'output' | 'param' | 'model'
    ;

// Precedence from tightest to loosest, as in Python: ** then unary -, then * / @, + -,
// the comparisons (which do not chain: the AST builder refuses a < b < c), not, and, or.
expr
    : callee=ID '(' args=arguments? ')'                        # callExpr
    | '(' inner=expr ')'                                       # parenExpr
    | '(' (items+=expr ',')+ (items+=expr)? ')'                # tupleExpr
    | head=ID tail+=nameTail*                                  # nameExpr
    | value=NUMBER                                             # numberExpr
    | value=STRING                                             # stringExpr
    | base=expr open='[' items+=subscript (',' items+=subscript)* ','? ']'  # indexExpr
    | <assoc=right> left=expr op='**' right=expr               # powerExpr
    | op='-' operand=expr                                      # negateExpr
    | left=expr op=('*' | '/' | '@') right=expr                # productExpr
    | left=expr op=('+' | '-') right=expr                      # sumExpr
    | left=expr op=('<' | '<=' | '>' | '>=' | '==' | '!=') right=expr # compareExpr
    | op='not' operand=expr                                    # notExpr
    | left=expr op='and' right=expr                            # andExpr
    | left=expr op='or' right=expr                             # orExpr
    ;

// One item of a subscript: `2:5`, `::2`, `:`, `...`, `-1`, `None`
subscript
    : start=expr? colon=':' stop=expr? (':' step=expr?)?       # rangeSubscript
    | ellipsis='...'                                           # ellipsisSubscript
    | index=expr                                               # indexSubscript
    ;

// `.W` in h.W; `.2` (lexed as a number) in h.2.W, the parameters of a repeated layer
nameTail
    : '.' part=ID
    | index=NUMBER
    ;

end
    : (NL | ';')+
    ;

NUMBER
    : DIGIT+ ('.' DIGIT*)? EXPONENT?
    | '.' DIGIT+ EXPONENT?
    ;

STRING
    : '"' (~["\\\r\n] | '\\' ~[\r\n])* '"'
    ;

ID
    : [a-zA-Z_] [a-zA-Z_0-9]*
    ;

NL
    : '\r'? '\n'
    ;

COMMENT
    : '#' ~[\r\n]* -> skip
    ;

WS
    : [ \t\f]+ -> skip
    ;

fragment DIGIT
    : [0-9]
    ;

fragment EXPONENT
    : [eE] [+-]? DIGIT+
    ;
