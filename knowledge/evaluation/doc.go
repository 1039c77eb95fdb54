// Package evaluation measures answer quality on a set of questions with
// known answers: top-1 and top-3 hit rates, false abstentions on answerable
// questions, abstentions on off-topic and unanswerable ones, how well the
// confidence tells right answers from questions to decline (ROC AUC), the
// figures per question type, and (leave-one-out) whether questions about a
// document left out of the sources are declined. The scoring rule is the
// shared one: fold both texts, then a hit is a fact containing a key phrase.
// It reads the project's question files and the SQuAD 2.0 format alike.
//
// Each [Question] is asked of an [Answerer] (an index) as a member would
// ask it, and its [knowledge.Answer] scored ([Score]) into an [Outcome];
// [Run] adds the outcomes up into a [Report]. [Examples] keeps the
// features of each first-ranked fact instead, for [Fit] to calibrate the
// confidence on. The project's development sets are embedded ([DevSets]).
package evaluation
